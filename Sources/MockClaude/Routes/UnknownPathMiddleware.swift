import AnthropicAPI
import Foundation
import Hummingbird

/// Answers a path the mock does not serve as the API does, with a `not_found_error`
/// body rather than Hummingbird's empty 404, so a client's error handling sees what
/// it would see in production. The message names the path, and the usual cause when
/// it is the doubled `/v1` of a base URL that already ends in `/v1`.
///
/// Added after every route, so it wraps only the router's not-found responder.
struct UnknownPathMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext
    let runtime: MockRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let requestID = MessagesRoute.requestID(UUID().uuidString, 0)
            let response = ErrorResponse.make(.notFound, message: Self.message(method: request.method.rawValue, path: request.uri.path), requestID: requestID, clock: runtime.clock)
            // A body after a HEAD's head would be read as the start of the next answer.
            return request.method == .head ? response.createHeadResponse() : response
        }
    }

    static func message(method: String, path: String) -> String {
        var message = "Not Found: \(method) \(path)"
        if path.contains("/v1/v1/") {
            message += " (the base URL already ends in /v1; set ANTHROPIC_BASE_URL to the mock's address without it)"
        }
        return message
    }
}
