import AnthropicAPI
import Hummingbird

/// `GET /v1/models` and `GET /v1/models/{id}`. Faults that match these paths (an
/// error status, a timeout, latency) apply here too.
struct ModelsRoute: Sendable {
    let runtime: MockRuntime
    let call: PlainCall

    func list(_ request: Request, _ context: MockRequestContext) async -> Response {
        let limit = request.uri.queryParameters.get("limit", as: Int.self).map { max(1, min($0, 1000)) } ?? 20
        let afterID = request.uri.queryParameters.get("after_id")
        var models = ModelCatalog.listed(on: runtime.configuration.apiDate)
        if let afterID, let index = models.firstIndex(where: { $0.id == afterID }) { models = Array(models[(index + 1)...]) }
        let page = ModelList(data: Array(models.prefix(limit)), hasMore: models.count > limit)
        return await call.respond(request, context, path: "/v1/models", endpoint: .models) { .json(page) }
    }

    func get(_ request: Request, _ context: MockRequestContext) async -> Response {
        let id = context.parameters.get("id") ?? ""
        let model = ModelCatalog.listed(on: runtime.configuration.apiDate).first { $0.id == id }
        return await call.respond(
            request, context, path: "/v1/models/\(id)", endpoint: .models, model: id,
            refusal: { model == nil ? (.notFound, "model: \(id)") : nil }
        ) { .json(model) }
    }
}
