import AnthropicAPI
import Foundation
import Hummingbird
import NIOCore

/// The Message Batches API: `POST /v1/messages/batches` and, under
/// `/v1/messages/batches/{id}`, retrieve, `results`, `cancel` and `DELETE`, plus
/// the list. Batches belong to the API key that made them. Each call is subject
/// to the faults that match its path; each request inside a batch to those that
/// match it as a message (``BatchProcessor``).
struct BatchesRoute: Sendable {
    let runtime: MockRuntime
    let call: PlainCall
    let processor: BatchProcessor

    func create(_ request: Request, _ context: MockRequestContext) async -> Response {
        var mutableRequest = request
        let limit = runtime.configuration.maxBatchBytes
        guard let body = try? await mutableRequest.collectBody(upTo: limit) else {
            let problem = "A Message Batch is limited to \(limit) bytes; split it in two"
            return await call.respond(request, context, path: "/v1/messages/batches", endpoint: .batches, refusal: {
                (.requestTooLarge, problem)
            }) { .refused(.requestTooLarge, problem) }
        }
        var submission: BatchSubmission?
        let bytes = Array(body.readableBytesView)
        return await call.respond(request, context, path: "/v1/messages/batches", endpoint: .batches, body: bytes, refusal: {
            switch BatchSubmission.read(bytes) {
            case let .success(read): submission = read; return nil
            case let .failure(problem): return (.invalidRequest, problem.message)
            }
        }) {
            guard let submission else { return .refused(.invalidRequest, "requests: Field required") }
            return .json(await start(submission, request, context))
        }
    }

    /// Decides every request of a new batch, keeps it, and shows it as created.
    private func start(_ submission: BatchSubmission, _ request: Request, _ context: MockRequestContext) async -> MessageBatch {
        let created = runtime.clock.now()
        let number = runtime.batches.nextNumber()
        let id = "msgbatch_" + MessagesRoute.requestID("message-batch-\(number)", 0, seed: runtime.plan.seed).dropFirst(4)
        let provider = context.parameters.get("provider")
        let batchContext = BatchProcessor.Context(
            batchID: id, created: created, provider: provider ?? "anthropic", header: MessagesRoute.lookup(request.headers), channel: context.channel
        )
        var items: [StoredBatch.Item] = []
        items.reserveCapacity(submission.entries.count)
        for entry in submission.entries { items.append(await processor.item(entry, batchContext)) }
        let authority = request.head.authority ?? "\(runtime.configuration.host):\(runtime.configuration.port)"
        let batch = StoredBatch(
            id: id, apiKey: MessagesRoute.apiKey(request.headers) ?? "", created: created, expires: created + BatchProcessor.lifetime,
            items: items, base: "http://\(authority)" + (provider.map { "/p/\($0)" } ?? "")
        )
        runtime.batches.add(batch, clock: runtime.clock) { [processor] in processor.journal($0) }
        return wire(batch)
    }

    func retrieve(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/messages/batches/\($0)" }) { .json(wire($0)) }
    }

    func list(_ request: Request, _ context: MockRequestContext) async -> Response {
        let query = request.uri.queryParameters
        let batches = runtime.batches.list(apiKey: MessagesRoute.apiKey(request.headers) ?? "")
        // Newest first: after_id pages on to older batches, before_id back to newer ones.
        let page = MessageBatchList(
            of: batches, id: \.id, limit: query.get("limit", as: Int.self), afterID: query.get("after_id"), beforeID: query.get("before_id")
        ) { wire($0) }
        return await call.respond(request, context, path: "/v1/messages/batches", endpoint: .batches) { .json(page) }
    }

    func cancel(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/messages/batches/\($0)/cancel" }) { found in
            guard let (batch, canceled) = runtime.batches.cancel(found.id, apiKey: found.apiKey, at: runtime.clock.now(), journal: { processor.journal($0) }) else {
                return .refused(.notFound, Self.notFound(found.id))
            }
            return .json(wire(batch, canceling: canceled))
        }
    }

    func delete(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/messages/batches/\($0)" }) { batch in
            switch runtime.batches.delete(batch.id, apiKey: batch.apiKey, at: runtime.clock.now(), journal: { processor.journal($0) }) {
            case .deleted: return .json(DeletedMessageBatch(id: batch.id))
            case .missing: return .refused(.notFound, Self.notFound(batch.id))
            case .processing:
                return .refused(.invalidRequest, "Message Batch \(batch.id) is still processing: cancel it, then delete it once it has ended")
            }
        }
    }

    func results(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/messages/batches/\($0)/results" }) { batch in
            guard batch.hasEnded(at: runtime.clock.now()) else {
                return .refused(.invalidRequest, "Message Batch \(batch.id) has not finished processing: its results are ready once its processing_status is ended")
            }
            return .body(batch.results(), contentType: "application/binary")
        }
    }

    /// A call about the batch the path names.
    private func about(
        _ request: Request, _ context: MockRequestContext, path: (String) -> String, answer: (StoredBatch) async -> PlainCall.Answer
    ) async -> Response {
        await call.respond(about: request, context, path: path, endpoint: .batches, find: runtime.batches.batch, notFound: Self.notFound, answer: answer)
    }

    static func notFound(_ id: String) -> String { "message_batch_id: no Message Batch \(id) for this API key" }

    private func wire(_ batch: StoredBatch, canceling: Bool = false) -> MessageBatch {
        batch.wire(at: runtime.clock.now(), wallDate: { runtime.clock.wallDate(at: $0) }, canceling: canceling)
    }
}
