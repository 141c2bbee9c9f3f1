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
    ///
    /// Its fields are shared between copies until one is changed: the exchange is
    /// copied into each stage (received, decided, rendered), and a copy of its
    /// strings and references was ten reference counts.
    @dynamicMemberLookup
    struct Exchange: Sendable {
        struct Fields: Sendable {
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

        private final class Box: @unchecked Sendable {
            // Unchecked: written only by the setter below, when no other exchange shares it.
            var fields: Fields
            init(_ fields: Fields) { self.fields = fields }
        }

        private var box: Box

        init(arrival: Duration, realStart: ContinuousClock.Instant, path: String, endpoint: RequestFacts.Endpoint, provider: String,
             identity: AttemptIdentity, requestID: String, model: String?, stream: Bool, inputTokens: Int, ticket: InFlight.Ticket) {
            box = Box(Fields(arrival: arrival, realStart: realStart, path: path, endpoint: endpoint, provider: provider, identity: identity,
                             requestID: requestID, model: model, stream: stream, inputTokens: inputTokens, ticket: ticket))
        }

        subscript<Value>(dynamicMember field: WritableKeyPath<Fields, Value>) -> Value {
            get { box.fields[keyPath: field] }
            set {
                if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
                box.fields[keyPath: field] = newValue
            }
        }
    }

    /// A request read and checked, its attempt identified: what is left is its
    /// answer, the fault decision and the rendering.
    struct Received: Sendable {
        var exchange: Exchange
        var decoded: MessagesRequest
        var apiKey: String
        /// The request's header fields, by name, as fault matchers ask for them.
        var header: HeaderLookup
    }

    /// The fault plan has spoken: everything needed to answer.
    struct Decided: Sendable {
        var exchange: Exchange
        var decoded: MessagesRequest
        var decision: FaultDecision
        var answer: PlannedAnswer
    }

    typealias HeaderLookup = @Sendable (String) -> String?

    /// A request the API would refuse before any fault is considered, not yet
    /// answered nor journaled: a live call answers it at once
    /// (``rejectReply(_:)``), a batch keeps it as the request's errored result.
    struct Refusal: Sendable {
        var type: APIErrorType
        var message: String
        var exchange: Exchange
        var details: ErrorDetails?
    }

    /// What reading a request came to.
    enum Reading: Sendable {
        case refused(Refusal)
        case received(Received)
    }

    /// A new exchange, counted in flight from now.
    func exchange(provider: String, countTokens: Bool) -> Exchange {
        Exchange(
            arrival: runtime.clock.now(), realStart: .now, path: countTokens ? "/v1/messages/count_tokens" : "/v1/messages",
            endpoint: countTokens ? .countTokens : .messages, provider: provider,
            identity: AttemptIdentity(requestID: "none", attempt: 1, correlation: "none"),
            requestID: "", model: nil, stream: false, inputTokens: 0, ticket: runtime.inFlight.ticket()
        )
    }

    func messages(_ request: Request, _ context: MockRequestContext, countTokens: Bool) async -> Response {
        // Without the fast path a client's own header is just a header.
        if runtime.configuration.fastPath, let token = request.headers[Handoffs.header] {
            switch runtime.handoffs.take(token) {
            case let .received(received)?: return await answer(received, channel: context.channel)
            case let .decided(decided)?: return await respond(decided, channel: context.channel)
            case nil: return Response(status: .internalServerError)
            }
        }
        let exchange = exchange(provider: context.parameters.get("provider") ?? "anthropic", countTokens: countTokens)
        guard Self.apiKey(request.headers) != nil else {
            return reject(.authentication, "x-api-key header is required", exchange)
        }
        var mutableRequest = request
        let body: ByteBuffer
        do {
            body = try await mutableRequest.collectBody(upTo: runtime.configuration.maxBodyBytes)
        } catch {
            return reject(.requestTooLarge, "Request exceeds the maximum allowed number of bytes (\(runtime.configuration.maxBodyBytes)).", exchange)
        }
        switch read(exchange, header: Self.lookup(request.headers), body: body) {
        case let .refused(refusal): return rejectReply(refusal).response
        case let .received(received): return await answer(received, channel: context.channel)
        }
    }

    /// Checks the key and the body, identifies the attempt and counts the prompt.
    /// Synchronous, and everything it changes (fingerprints, prompt cache) it
    /// changes once: the fast path and the route both start here.
    func read(_ exchange: Exchange, header: @escaping HeaderLookup, body: ByteBuffer) -> Reading {
        var exchange = exchange
        let countTokens = exchange.endpoint == .countTokens
        guard let apiKey = Self.apiKey(header) else {
            return .refused(Refusal(type: .authentication, message: "x-api-key header is required", exchange: exchange))
        }
        let bytes = Array(body.readableBytesView)
        exchange.identity = runtime.correlator.identify(header: header, body: bytes, now: exchange.arrival)
        exchange.requestID = Self.requestID(exchange.identity.requestID, exchange.identity.attempt, seed: runtime.plan.seed)

        var decoded: MessagesRequest
        do {
            decoded = try MessagesRequest.decode(bytes, with: Self.decoder)
        } catch {
            return .refused(Refusal(type: .invalidRequest, message: RequestProblem.describe(error), exchange: exchange))
        }
        if let betas = header(HeaderName.anthropicBeta) {
            decoded.betas = betas.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        exchange.model = decoded.model
        exchange.stream = !countTokens && decoded.stream == true
        let spec = ModelCatalog.spec(for: decoded.model)
        if let (type, problem) = Self.problem(with: &decoded, spec: spec, countTokens: countTokens, apiDate: runtime.configuration.apiDate) {
            return .refused(Refusal(type: type, message: problem, exchange: exchange))
        }
        let tokenizer = ModelCatalog.tokenizer(for: decoded.model, spec: spec)
        var media = MediaInput.Tally()
        switch MediaInput.tokens(in: decoded, files: runtime.files, apiKey: apiKey, tokenizer: tokenizer, now: exchange.arrival) {
        case let .success(tally): media = tally; exchange.inputTokens = tokenizer.inputTokens(of: decoded) + tally.tokens
        case let .failure(problem): return .refused(Refusal(type: problem.type, message: problem.message, exchange: exchange, details: problem.details))
        }
        if !countTokens, let problem = ModelCatalog.promptProblem(inputTokens: exchange.inputTokens, request: decoded, spec: spec) {
            return .refused(Refusal(type: .invalidRequest, message: problem, exchange: exchange))
        }
        if !countTokens {
            let cached = runtime.promptCache.usage(
                for: decoded, apiKey: apiKey, inputTokens: exchange.inputTokens, media: media, tokenizer: tokenizer, now: exchange.arrival
            )
            exchange.inputTokens = cached.inputTokens
            exchange.cacheCreationTokens = cached.cacheCreationInputTokens
            exchange.cacheReadTokens = cached.cacheReadInputTokens
        }
        return .received(Received(exchange: exchange, decoded: decoded, apiKey: apiKey, header: header))
    }

    /// The first rule the request breaks, of the body's and of its model's, as the
    /// API's error; nil when it may be answered. Fills in what the model does
    /// unasked (``ModelCatalog/applyDefaults(to:spec:)``) on the way.
    private static func problem(with decoded: inout MessagesRequest, spec: ModelCatalog.Spec?, countTokens: Bool, apiDate: String?) -> (APIErrorType, String)? {
        if !countTokens {
            // Before the defaults: a model that refuses prefills says so, not that the
            // prefill lacks the thinking it would have started with.
            if decoded.prefill != nil, !ModelCatalog.acceptsPrefill(decoded.model) { return (.invalidRequest, ModelCatalog.prefillRefusal) }
            ModelCatalog.applyDefaults(to: &decoded, spec: spec)
        }
        if let problem = decoded.validate(requireMaxTokens: !countTokens, binding: ModelCatalog.thinkingBinding(spec)) { return (.invalidRequest, problem) }
        guard ModelCatalog.accepts(decoded.model), !ModelCatalog.isRetired(spec, on: apiDate) else { return (.notFound, "model: \(decoded.model)") }
        return ModelCatalog.problem(decoded, spec: spec, generating: !countTokens).map { (.invalidRequest, $0) }
    }

    /// The honest answer (a judge's verdict may take a query), then the rest.
    func answer(_ received: Received, channel: any Channel) async -> Response {
        let honest = await runtime.planner.answer(received.decoded)
        return await respond(decide(received, honest: honest), channel: channel)
    }

    /// Lets the fault plan decide. Token buckets and counters move here, once.
    func decide(_ received: Received, honest: PlannedAnswer) -> Decided {
        let exchange = received.exchange, decoded = received.decoded
        let limit = decoded.maxTokens ?? Int.max
        // Each returns a copy of the whole answer even when it changes nothing.
        var honest = honest
        if decoded.stopSequences?.isEmpty == false { honest = honest.stopped(at: decoded.stopSequences) }
        if honest.outputTokens > limit { honest = honest.limited(to: limit) }
        let facts = RequestFacts(
            endpoint: exchange.endpoint, path: exchange.path, model: decoded.model, provider: exchange.provider, apiKey: received.apiKey,
            stream: exchange.stream, requestID: exchange.identity.requestID, attempt: exchange.identity.attempt,
            inputTokens: exchange.inputTokens + exchange.cacheCreationTokens,
            promptTokens: exchange.inputTokens + exchange.cacheCreationTokens + exchange.cacheReadTokens, header: received.header
        )
        let request = FaultRequest(facts: facts, answer: honest, now: exchange.arrival, clock: runtime.clock)
        var decision = runtime.plan.decide(request) { shaped(honest, by: $0, for: decoded).answer }
        let (answer, idle) = shaped(honest, by: decision.effect, for: decoded)
        if !idle.isEmpty {
            if idle.contains(LongThinkingFault.kind) { decision.effect.thinkingShare = nil }
            if idle.contains(ParallelToolCallsFault.kind) { decision.effect.toolCalls = nil }
            decision.applied.removeAll { idle.contains($0.kind) }
        }
        return Decided(exchange: exchange, decoded: decoded, decision: decision, answer: answer)
    }

    /// The answer as `effect` shapes it, and the kinds of faults in it that found
    /// nothing to do: a quality fault's answer, then longer thinking (nothing when
    /// the budget's share is no longer than the thinking was), further calls
    /// (nothing when a quality fault made it text or no second call fits), and
    /// thinking redacted (its fault fires only on answers that think, and no
    /// quality fault takes thinking away).
    private func shaped(_ honest: PlannedAnswer, by effect: FaultEffect, for decoded: MessagesRequest) -> (answer: PlannedAnswer, idle: [String]) {
        guard effect.answer != nil || effect.thinkingShare != nil || effect.toolCalls != nil || effect.redactsThinking else { return (honest, []) }
        var answer = effect.answer?.stopped(at: decoded.stopSequences).limited(to: decoded.maxTokens ?? Int.max) ?? honest
        var idle: [String] = []
        if let share = effect.thinkingShare {
            if let longer = runtime.planner.longThinking(answer, share: share, for: decoded) { answer = longer } else { idle.append(LongThinkingFault.kind) }
        }
        if let calls = effect.toolCalls {
            if let parallel = runtime.planner.parallel(answer, calls: calls, for: decoded) { answer = parallel } else { idle.append(ParallelToolCallsFault.kind) }
        }
        if effect.redactsThinking { answer.thinkingForm = .redacted }
        return (answer, idle)
    }

    /// The whole answer, when nothing in it waits: no delay, no hang, no break, no
    /// stream. Journals it. Nil when the answer has to be played out over time.
    func immediate(_ decided: Decided, channel: any Channel) -> Reply? {
        let exchange = decided.exchange, decision = decided.decision
        let delays = decision.effect.delays
        switch decision.effect.outcome {
        case let .error(error)?:
            guard delays.beforeHeaders <= .zero else { return nil }
            return errorReply(error, decision, exchange)
        case .hang?:
            return nil
        case .broken?, nil:
            break
        }
        if exchange.endpoint == .countTokens {
            var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names)
            headers.add(decision.effect.headers)
            finish(exchange, decision, status: 200, ending: "complete", answer: nil)
            return Reply(status: .ok, headers: headers, body: ByteBuffer(string: #"{"input_tokens":\#(exchange.inputTokens)}"#))
        }
        guard !exchange.stream, decision.effect.outcome == nil,
              delays.beforeHeaders + delays.firstToken + delays.perToken * decided.answer.outputTokens <= .zero
        else { return nil }
        return renderer(decided, channel: channel).completeReply()
    }

    /// A reply that is whole once a wait has passed, made (and journaled) when
    /// the wait ends: the route sleeps for it, the fast path schedules it.
    struct Delayed: Sendable {
        var wait: Duration
        var reply: @Sendable () -> Reply
    }

    /// An answer whole after a wait: an error or a hang's 504 (``outcome(_:_:)``),
    /// or a JSON answer after its latency. Nil for streams and broken bodies.
    func delayed(_ decided: Decided, channel: any Channel) -> Delayed? {
        if let outcome = outcome(decided.decision, decided.exchange) { return outcome }
        guard !decided.exchange.stream, decided.decision.effect.outcome == nil else { return nil }
        let delays = decided.decision.effect.delays, renderer = renderer(decided, channel: channel)
        return Delayed(wait: delays.beforeHeaders + delays.firstToken + delays.perToken * decided.answer.outputTokens) {
            renderer.completeReply()
        }
    }

    /// Answers, waiting as the decision asks.
    func respond(_ decided: Decided, channel: any Channel) async -> Response {
        if let reply = immediate(decided, channel: channel) { return reply.response }
        if let delayed = delayed(decided, channel: channel) { return await reply(after: delayed) }
        let renderer = renderer(decided, channel: channel)
        if decided.exchange.stream { return await renderer.stream() }
        // Not immediate, not delayed: a JSON answer is left here only when its body breaks.
        return await renderer.brokenJSON()
    }

    func reply(after delayed: Delayed) async -> Response {
        try? await runtime.clock.sleep(for: delayed.wait)
        return delayed.reply().response
    }

    func renderer(_ decided: Decided, channel: any Channel) -> AnswerRenderer {
        AnswerRenderer(runtime: runtime, route: self, exchange: decided.exchange, decision: decided.decision, answer: decided.answer, channel: channel)
    }

    /// Errors and hangs: they replace the answer entirely. Nil when the decision
    /// lets an answer through.
    func outcome(_ decision: FaultDecision, _ exchange: Exchange) -> Delayed? {
        switch decision.effect.outcome {
        case let .error(error)?:
            return Delayed(wait: decision.effect.delays.beforeHeaders) { errorReply(error, decision, exchange) }
        case let .hang(cap)?:
            return Delayed(wait: decision.effect.delays.beforeHeaders + cap) {
                finish(exchange, decision, status: 504, ending: "hung", answer: nil, errorType: APIErrorType.timeout.rawValue)
                return ErrorResponse.reply(.timeout, requestID: exchange.requestID, faults: decision.names, clock: runtime.clock)
            }
        default:
            return nil
        }
    }

    /// A handed-off request whose client left before the route took it over.
    func abandon(_ stage: Handoffs.Stage) {
        switch stage {
        case let .received(received):
            finish(received.exchange, FaultDecision(), status: 200, ending: "client_gone", answer: nil)
        case let .decided(decided):
            var status = 200
            switch decided.decision.effect.outcome {
            case let .error(error)?: status = error.status
            case .hang?: status = 504
            default: break
            }
            finish(decided.exchange, decided.decision, status: status, ending: "client_gone", answer: decided.answer)
        }
    }

    /// An injected error, journaled.
    func errorReply(_ error: InjectedError, _ decision: FaultDecision, _ exchange: Exchange) -> Reply {
        finish(exchange, decision, status: error.status, ending: "error", answer: nil, errorType: error.type.rawValue, retryAfter: error.retryAfter)
        return ErrorResponse.reply(
            error.type, status: error.status, message: error.message, requestID: exchange.requestID, faults: decision.names,
            retryAfter: error.retryAfter, extra: decision.effect.headers + error.headers, clock: runtime.clock
        )
    }

    /// A request refused before any fault was considered.
    func reject(_ type: APIErrorType, _ message: String, _ exchange: Exchange, details: ErrorDetails? = nil) -> Response {
        rejectReply(type, message, exchange, details: details).response
    }

    func rejectReply(_ refusal: Refusal) -> Reply {
        rejectReply(refusal.type, refusal.message, refusal.exchange, details: refusal.details)
    }

    func rejectReply(_ type: APIErrorType, _ message: String, _ exchange: Exchange, details: ErrorDetails? = nil) -> Reply {
        var exchange = exchange
        // Refused before the attempt was identified: an id of its own, made only now
        // so that accepted requests never pay for it.
        if exchange.requestID.isEmpty { exchange.requestID = Self.requestID(UUID().uuidString, 0) }
        finish(exchange, FaultDecision(), status: type.status, ending: "error", answer: nil, errorType: type.rawValue)
        return ErrorResponse.reply(type, message: message, requestID: exchange.requestID, details: details, clock: runtime.clock)
    }

    /// Journals and counts a finished attempt.
    func finish(
        _ exchange: Exchange, _ decision: FaultDecision, status: Int, ending: String, answer: PlannedAnswer?,
        errorType: String? = nil, retryAfter: Duration? = nil, outputTokens: Int? = nil, latency: Duration? = nil
    ) {
        let attempt = UpstreamAttempt(
            at: exchange.arrival, path: exchange.path, model: exchange.model, provider: exchange.provider,
            requestID: exchange.identity.requestID, attempt: exchange.identity.attempt, correlation: exchange.identity.correlation,
            stream: exchange.stream, faults: decision.names, faultKinds: decision.kinds, status: status, errorType: errorType,
            ending: ending, latency: latency ?? runtime.clock.now() - exchange.arrival, inputTokens: exchange.inputTokens,
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

    /// A header by name, as fault matchers ask for them.
    static func lookup(_ fields: HTTPFields) -> @Sendable (String) -> String? {
        { name in value(of: name, in: fields) }
    }

    /// `fields[HTTPField.Name(name)]` without making the name, which validates and
    /// lowercases it: this runs several times per request. Repeated fields join
    /// with ", " as the subscript joins them.
    static func value(of name: String, in fields: HTTPFields) -> String? {
        let wanted = name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? name.lowercased() : name
        var found: String?
        for field in fields where field.name.canonicalName == wanted {
            found = found.map { $0 + ", " + field.value } ?? field.value
        }
        return found
    }

    static func apiKey(_ fields: HTTPFields) -> String? { apiKey { value(of: $0, in: fields) } }

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
