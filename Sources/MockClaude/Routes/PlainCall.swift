import AnthropicAPI
import Faults
import Foundation
import HTTPTypes
import Hummingbird

/// A call answered with one body, not a generated message (the model list, the
/// Message Batch calls): the key, the caller's own refusal, the faults that match
/// its path (an error status, a timeout, latency), then the body, journaled.
struct PlainCall: Sendable {
    let runtime: MockRuntime
    let messages: MessagesRoute

    /// What a call comes to once its faults have let it through.
    enum Answer: Sendable {
        case body([UInt8], contentType: String = "application/json")
        case refused(APIErrorType, String, details: ErrorDetails? = nil)

        static func json(_ value: some Encodable) -> Answer { .body(Array((try? JSONCoding.encoder.encode(value)) ?? Data())) }
    }

    /// - Parameters:
    ///   - refusal: checked before any fault, as the API checks a request before
    ///     serving it (an unknown model is a 404 whatever the weather).
    ///   - answer: made only when no fault took the call's place.
    ///   - body: the request's body, when it has one: with the method and path it
    ///     tells the call apart, so its faults are drawn for it, not for an arrival.
    func respond(
        _ request: Request, _ context: MockRequestContext, path: String, endpoint: RequestFacts.Endpoint, model: String? = nil,
        body: [UInt8] = [], refusal: () -> (APIErrorType, String)? = { nil }, answer: () async -> Answer
    ) async -> Response {
        let header: @Sendable (String) -> String? = MessagesRoute.lookup(request.headers)
        let arrival = runtime.clock.now()
        // Identified as messages are (a body sent again is the next attempt; the
        // SDKs' retry count says which), so the same seed gives the same weather.
        let identity = runtime.correlator.identify(header: header, body: Array("\(request.method.rawValue) \(path)\n".utf8) + body, now: arrival)
        let exchange = MessagesRoute.Exchange(
            arrival: arrival, realStart: .now, path: path, endpoint: endpoint, provider: context.parameters.get("provider") ?? "anthropic",
            identity: identity, requestID: MessagesRoute.requestID(identity.requestID, identity.attempt, seed: runtime.plan.seed),
            model: model, stream: false, inputTokens: 0, ticket: runtime.inFlight.ticket()
        )
        guard let apiKey = MessagesRoute.apiKey(header) else {
            return messages.reject(.authentication, "x-api-key header is required", exchange)
        }
        if let (type, message) = refusal() { return messages.reject(type, message, exchange) }
        let facts = RequestFacts(
            endpoint: endpoint, path: path, model: model, provider: exchange.provider, apiKey: apiKey,
            requestID: identity.requestID, attempt: identity.attempt, header: header
        )
        let decision = runtime.plan.decide(FaultRequest(facts: facts, answer: PlannedAnswer(kind: .generic, text: ""), now: arrival, clock: runtime.clock))
        if let outcome = messages.outcome(decision, exchange) { return await messages.reply(after: outcome) }
        try? await runtime.clock.sleep(for: decision.effect.delays.beforeHeaders)
        switch await answer() {
        case let .refused(type, message, details):
            return messages.reject(type, message, exchange, details: details)
        case let .body(bytes, contentType):
            messages.finish(exchange, decision, status: 200, ending: "complete", answer: nil)
            var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names, contentType: contentType)
            headers.add(decision.effect.headers)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// A call about one thing the key holds (a batch, a file) named by the
    /// path's `:id`: a 404 before any fault when the key has no such thing;
    /// `answer` gets it as it is once the faults let the call through (a delay
    /// a fault put first may have changed it, or seen it go).
    func respond<Item>(
        about request: Request, _ context: MockRequestContext, path: (String) -> String, endpoint: RequestFacts.Endpoint,
        find: (_ id: String, _ apiKey: String) -> Item?, notFound: (String) -> String, answer: (Item) async -> Answer
    ) async -> Response {
        let id = context.parameters.get("id") ?? "", key = MessagesRoute.apiKey(request.headers) ?? ""
        return await respond(request, context, path: path(id), endpoint: endpoint, refusal: { find(id, key) == nil ? (.notFound, notFound(id)) : nil }) {
            guard let item = find(id, key) else { return .refused(.notFound, notFound(id)) }
            return await answer(item)
        }
    }
}
