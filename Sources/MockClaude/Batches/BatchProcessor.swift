import AnthropicAPI
import ChaosCore
import Faults
import Foundation
import NIOCore

/// Decides what becomes of each request of a new batch, through the same steps
/// as a live call (``MessagesRoute/read(_:header:body:)``, the honest answer,
/// the fault plan), and turns the live outcome into a batch result:
///
/// | live call                        | in a batch                                  |
/// |----------------------------------|---------------------------------------------|
/// | refused (400, 404 …)             | `errored`, at once                          |
/// | an injected error (500, 529 …)   | `errored`, after its `before_headers` delay  |
/// | a hang (`timeout`)               | `expired`, when the batch expires            |
/// | an answer, after its latency     | `succeeded`, that long after creation        |
///
/// Faults of the wire (stalls, broken streams, disconnects, truncated bodies)
/// and rate limits do not reach batch requests; those that shape the answer
/// (quality, thinking, tool calls) do.
struct BatchProcessor: Sendable {
    let runtime: MockRuntime
    let messages: MessagesRoute

    /// How long a batch may process before what is left of it expires.
    static let lifetime: Duration = .seconds(24 * 3600)

    struct Context: Sendable {
        var batchID: String
        var created: Duration
        var provider: String
        /// The create call's headers: a fault may match on them.
        var header: MessagesRoute.HeaderLookup
        var channel: any Channel
    }

    func item(_ entry: BatchSubmission.Entry, _ context: Context) async -> StoredBatch.Item {
        let expires = context.created + Self.lifetime
        var fingerprintInput = Array(entry.customID.utf8)
        fingerprintInput.append(0)
        fingerprintInput += entry.params
        let fingerprint = AttemptCorrelator.fingerprint(fingerprintInput)
        let logicalID = "batch-" + String(fingerprint, radix: 16)
        let attempt = runtime.batches.nextAttempt(fingerprint)
        let header: MessagesRoute.HeaderLookup = { [outer = context.header] name in
            switch name {
            case HeaderName.llmchaosRequest: logicalID
            case HeaderName.llmchaosAttempt: String(attempt)
            default: outer(name)
            }
        }
        let exchange = MessagesRoute.Exchange(
            arrival: context.created, realStart: .now, path: "/v1/messages/batches/\(context.batchID)", endpoint: .batchItem,
            provider: context.provider, identity: AttemptIdentity(requestID: logicalID, attempt: attempt, correlation: "batch"),
            requestID: "", model: nil, stream: false, inputTokens: 0, ticket: runtime.batches.pending.ticket()
        )
        func item(_ result: BatchResult, end: Duration, _ record: StoredBatch.Record) -> StoredBatch.Item {
            // Not over before the batch expires: expired, whatever it would have been.
            end > expires
                ? StoredBatch.Item(customID: entry.customID, result: .expired, end: expires, record: record)
                : StoredBatch.Item(customID: entry.customID, result: result, end: end, record: record)
        }
        func refused(_ refusal: MessagesRoute.Refusal) -> StoredBatch.Item {
            item(.errored(type: refusal.type, message: refusal.message, requestID: refusal.exchange.requestID), end: context.created,
                 StoredBatch.Record(exchange: refusal.exchange, decision: FaultDecision(), answer: nil))
        }

        var received: MessagesRoute.Received
        switch messages.read(exchange, header: header, body: ByteBuffer(bytes: entry.params)) {
        case var .refused(refusal):
            refusal.exchange.identity.correlation = "batch"
            return refused(refusal)
        case let .received(read): received = read
        }
        // Read through the correlation header made above; journaled as what it is.
        received.exchange.identity.correlation = "batch"
        if received.decoded.stream == true {
            return refused(MessagesRoute.Refusal(
                type: .invalidRequest, message: "stream: streaming is not supported for requests in a Message Batch; leave it out",
                exchange: received.exchange
            ))
        }
        let decided = messages.decide(received, honest: await runtime.planner.answer(received.decoded))
        let decision = decided.decision, delays = decision.effect.delays
        let record = StoredBatch.Record(exchange: decided.exchange, decision: decision, answer: decided.answer)
        switch decision.effect.outcome {
        case let .error(error)?:
            return item(.errored(type: error.type, message: error.message, requestID: decided.exchange.requestID),
                        end: context.created + delays.beforeHeaders, record)
        case .hang?:
            return item(.expired, end: expires, record)
        case .broken?, nil: // no fault of the wire reaches a batch's request
            let renderer = messages.renderer(decided, channel: context.channel)
            return item(.succeeded(message: Array(renderer.jsonBody().readableBytesView)), end: context.created + renderer.jsonWait, record)
        }
    }

    /// Journals every request of a batch that has ended, as it ended.
    func journal(_ batch: StoredBatch) {
        let end = batch.end
        for item in batch.items {
            guard let record = item.record else { continue }
            let latency = min(item.end, end) - batch.created
            switch batch.finalResult(item) {
            case .succeeded:
                messages.finish(record.exchange, record.decision, status: 200, ending: "complete", answer: record.answer, latency: latency)
            case let .errored(type, _, _):
                let status = record.decision.effect.outcome.flatMap { outcome -> Int? in
                    if case let .error(error) = outcome { return error.status } else { return nil }
                } ?? type.status
                messages.finish(record.exchange, record.decision, status: status, ending: "error", answer: nil, errorType: type.rawValue, latency: latency)
            case .expired:
                messages.finish(record.exchange, record.decision, status: 0, ending: "expired", answer: nil, latency: latency)
            case .canceled:
                messages.finish(record.exchange, record.decision, status: 0, ending: "canceled", answer: nil, latency: latency)
            }
        }
    }
}
