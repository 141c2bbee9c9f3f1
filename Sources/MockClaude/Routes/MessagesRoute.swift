import AnthropicAPI
import ChaosCore
import Faults
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /v1/messages` and `POST /v1/messages/count_tokens`: read and check the
/// request, identify the attempt, plan the honest answer, let the fault plan
/// decide, then render — JSON or SSE — and journal what was done.
struct MessagesRoute: Sendable {
    let runtime: MockRuntime

    private static let decoder = JSONDecoder()

    /// What is known about a request once it has been read; shared with the renderers.
    struct Exchange: Sendable {
        var arrival: Duration
        var realStart: ContinuousClock.Instant
        var path: String
        var endpoint: RequestFacts.Endpoint
        var provider: String
        var identity: AttemptIdentity
        var requestID: String
        var model: String?
        var stream: Bool
        var inputTokens: Int
        var cacheCreationTokens = 0
        var cacheReadTokens = 0
        /// Held until the exchange is fully over, body included.
        var ticket: InFlight.Ticket
    }

    func messages(_ request: Request, _ context: MockRequestContext, countTokens: Bool) async -> Response {
        let provider = context.parameters.get("provider") ?? "anthropic"
        let endpoint: RequestFacts.Endpoint = countTokens ? .countTokens : .messages
        var exchange = Exchange(
            arrival: runtime.clock.now(), realStart: .now, path: countTokens ? "/v1/messages/count_tokens" : "/v1/messages",
            endpoint: endpoint, provider: provider,
            identity: AttemptIdentity(requestID: "none", attempt: 1, correlation: "none"),
            requestID: "", model: nil, stream: false, inputTokens: 0, ticket: runtime.inFlight.ticket()
        )
        let header: @Sendable (String) -> String? = { [fields = request.headers] name in
            HTTPField.Name(name).flatMap { fields[$0] }
        }

        guard let apiKey = Self.apiKey(header) else {
            return reject(.authentication, "x-api-key header is required", exchange)
        }
        var mutableRequest = request
        let body: ByteBuffer
        do {
            body = try await mutableRequest.collectBody(upTo: runtime.configuration.maxBodyBytes)
        } catch {
            return reject(.requestTooLarge, "Request exceeds the maximum allowed number of bytes (\(runtime.configuration.maxBodyBytes)).", exchange)
        }
        let bytes = Array(body.readableBytesView)
        exchange.identity = runtime.correlator.identify(header: header, body: bytes, now: exchange.arrival)
        let plan = runtime.plan
        exchange.requestID = Self.requestID(exchange.identity.requestID, exchange.identity.attempt, seed: plan.seed)

        let decoded: MessagesRequest
        if let fast = bytes.withUnsafeBufferPointer(MessagesRequest.fastDecode) {
            decoded = fast
        } else {
            do {
                decoded = try Self.decoder.decode(MessagesRequest.self, from: Data(bytes))
            } catch {
                return reject(.invalidRequest, RequestProblem.describe(error), exchange)
            }
        }
        exchange.model = decoded.model
        exchange.stream = !countTokens && decoded.stream == true
        if let problem = decoded.validate(requireMaxTokens: !countTokens) {
            return reject(.invalidRequest, problem, exchange)
        }
        guard ModelCatalog.accepts(decoded.model) else {
            return reject(.notFound, "model: \(decoded.model)", exchange)
        }
        exchange.inputTokens = TokenCounter.inputTokens(of: decoded)
        if !countTokens {
            let cached = runtime.promptCache.usage(for: decoded, apiKey: apiKey, inputTokens: exchange.inputTokens, now: exchange.arrival)
            exchange.inputTokens = cached.inputTokens
            exchange.cacheCreationTokens = cached.cacheCreationInputTokens
            exchange.cacheReadTokens = cached.cacheReadInputTokens
        }

        let honest = await runtime.planner.answer(decoded).limited(to: decoded.maxTokens ?? Int.max)
        let facts = RequestFacts(
            endpoint: endpoint, path: exchange.path, model: decoded.model, provider: provider, apiKey: apiKey,
            stream: exchange.stream, requestID: exchange.identity.requestID, attempt: exchange.identity.attempt,
            inputTokens: exchange.inputTokens, header: header
        )
        let decision = plan.decide(FaultRequest(facts: facts, answer: honest, now: exchange.arrival, clock: runtime.clock))
        let answer = decision.effect.answer?.limited(to: decoded.maxTokens ?? Int.max) ?? honest

        if let early = await earlyOutcome(decision, exchange) { return early }
        if countTokens {
            let body = #"{"input_tokens":\#(exchange.inputTokens)}"#
            var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names)
            headers.add(decision.effect.headers)
            finish(exchange, decision, status: 200, ending: "complete", answer: nil)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let renderer = AnswerRenderer(runtime: runtime, route: self, exchange: exchange, decision: decision, answer: answer, channel: context.channel)
        return exchange.stream ? await renderer.stream() : await renderer.json()
    }

    /// Errors and hangs: they replace the answer entirely. Nil when the decision
    /// lets an answer through.
    func earlyOutcome(_ decision: FaultDecision, _ exchange: Exchange) async -> Response? {
        switch decision.effect.outcome {
        case let .error(error)?:
            try? await runtime.clock.sleep(for: decision.effect.delays.beforeHeaders)
            finish(exchange, decision, status: error.status, ending: "error", answer: nil, errorType: error.type.rawValue, retryAfter: error.retryAfter)
            return ErrorResponse.make(
                error.type, status: error.status, message: error.message, requestID: exchange.requestID, faults: decision.names,
                retryAfter: error.retryAfter, extra: decision.effect.headers + error.headers, clock: runtime.clock
            )
        case let .hang(cap)?:
            try? await runtime.clock.sleep(for: decision.effect.delays.beforeHeaders + cap)
            finish(exchange, decision, status: 504, ending: "hung", answer: nil, errorType: APIErrorType.timeout.rawValue)
            return ErrorResponse.make(.timeout, requestID: exchange.requestID, faults: decision.names, clock: runtime.clock)
        default:
            return nil
        }
    }

    /// A request refused before any fault was considered.
    func reject(_ type: APIErrorType, _ message: String, _ exchange: Exchange) -> Response {
        var exchange = exchange
        // Refused before the attempt was identified: an id of its own, made only now
        // so that accepted requests never pay for it.
        if exchange.requestID.isEmpty { exchange.requestID = Self.requestID(UUID().uuidString, 0) }
        finish(exchange, FaultDecision(), status: type.status, ending: "error", answer: nil, errorType: type.rawValue)
        return ErrorResponse.make(type, message: message, requestID: exchange.requestID, clock: runtime.clock)
    }

    /// Journals and counts a finished attempt.
    func finish(
        _ exchange: Exchange, _ decision: FaultDecision, status: Int, ending: String, answer: PlannedAnswer?,
        errorType: String? = nil, retryAfter: Duration? = nil, outputTokens: Int? = nil
    ) {
        let attempt = UpstreamAttempt(
            at: exchange.arrival, path: exchange.path, model: exchange.model, provider: exchange.provider,
            requestID: exchange.identity.requestID, attempt: exchange.identity.attempt, correlation: exchange.identity.correlation,
            stream: exchange.stream, faults: decision.names, faultKinds: decision.kinds, status: status, errorType: errorType,
            ending: ending, latency: runtime.clock.now() - exchange.arrival, inputTokens: exchange.inputTokens,
            outputTokens: outputTokens ?? answer?.outputTokens ?? 0, responseID: exchange.requestID,
            answerKind: answer?.kindLabel ?? "none", quality: decision.effect.quality, retryAfter: retryAfter
        )
        runtime.journal.append(attempt)
        let real = ContinuousClock.now - exchange.realStart
        runtime.metrics.record(
            endpoint: exchange.endpoint.rawValue, status: status, faultKinds: decision.kinds,
            realNanoseconds: real.components.seconds * 1_000_000_000 + real.components.attoseconds / 1_000_000_000
        )
    }

    /// The key from `x-api-key`, or from `Authorization: Bearer` as newer SDKs send it.
    static func apiKey(_ header: (String) -> String?) -> String? {
        if let key = header(HeaderName.apiKey), !key.isEmpty { return key }
        if let auth = header(HeaderName.authorization), auth.lowercased().hasPrefix("bearer ") {
            let key = auth.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return key.isEmpty ? nil : key
        }
        return nil
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `req_` and 24 base-62 characters, derived from (seed, request, attempt) so
    /// a replay gives the same ids.
    static func requestID(_ request: String, _ attempt: Int, seed: UInt64 = 0) -> String {
        let mixed = StableHash.mix(StableHash.mix(StableHash.hash(request, "request-id") ^ seed) ^ UInt64(truncatingIfNeeded: attempt))
        var random = SeededRandom(seed: mixed)
        // Written as bytes: this runs on every request.
        return String(unsafeUninitializedCapacity: 28) { id in
            for (i, byte) in "req_".utf8.enumerated() { id[i] = byte }
            for i in 4..<28 { id[i] = base62[Int(random.next() % 62)] }
            return 28
        }
    }
}
