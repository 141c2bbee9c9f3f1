import AnthropicAPI
import Faults
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /v1/models` and `GET /v1/models/{id}`. Faults that match these paths (an
/// error status, a timeout, latency) apply here too.
struct ModelsRoute: Sendable {
    let runtime: MockRuntime
    let messages: MessagesRoute

    func list(_ request: Request, _ context: MockRequestContext) async -> Response {
        let limit = request.uri.queryParameters.get("limit", as: Int.self).map { max(1, min($0, 1000)) } ?? 20
        let afterID = request.uri.queryParameters.get("after_id")
        var models = ModelCatalog.listed(on: runtime.configuration.apiDate)
        if let afterID, let index = models.firstIndex(where: { $0.id == afterID }) { models = Array(models[(index + 1)...]) }
        let page = ModelList(data: Array(models.prefix(limit)), hasMore: models.count > limit)
        return await respond(request, context, path: "/v1/models", model: nil) { (try? JSONCoding.encoder.encode(page)) ?? Data() }
    }

    func get(_ request: Request, _ context: MockRequestContext) async -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let model = ModelCatalog.listed(on: runtime.configuration.apiDate).first(where: { $0.id == id }) else {
            return await respond(request, context, path: "/v1/models/\(id)", model: id, notFound: true) { Data() }
        }
        return await respond(request, context, path: "/v1/models/\(id)", model: id) { (try? JSONCoding.encoder.encode(model)) ?? Data() }
    }

    private func respond(
        _ request: Request, _ context: MockRequestContext, path: String, model: String?, notFound: Bool = false,
        body: () -> Data
    ) async -> Response {
        let header: @Sendable (String) -> String? = { [fields = request.headers] name in HTTPField.Name(name).flatMap { fields[$0] } }
        let arrival = runtime.clock.now()
        let identity = AttemptIdentity(requestID: "models-\(UUID().uuidString.prefix(8))", attempt: 1, correlation: "none")
        let exchange = MessagesRoute.Exchange(
            arrival: arrival, realStart: .now, path: path, endpoint: .models, provider: context.parameters.get("provider") ?? "anthropic",
            identity: identity, requestID: MessagesRoute.requestID(identity.requestID, 1), model: model, stream: false, inputTokens: 0,
            ticket: runtime.inFlight.ticket()
        )
        guard MessagesRoute.apiKey(header) != nil else {
            return messages.reject(.authentication, "x-api-key header is required", exchange)
        }
        if notFound { return messages.reject(.notFound, "model: \(model ?? "")", exchange) }
        let facts = RequestFacts(endpoint: .models, path: path, model: model, provider: exchange.provider, apiKey: MessagesRoute.apiKey(header), requestID: identity.requestID, header: header)
        let decision = runtime.plan.decide(FaultRequest(facts: facts, answer: PlannedAnswer(kind: .generic, text: ""), now: arrival, clock: runtime.clock))
        if let outcome = messages.outcome(decision, exchange) { return await messages.reply(after: outcome) }
        try? await runtime.clock.sleep(for: decision.effect.delays.beforeHeaders)
        messages.finish(exchange, decision, status: 200, ending: "complete", answer: nil)
        var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names)
        headers.add(decision.effect.headers)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body())))
    }
}
