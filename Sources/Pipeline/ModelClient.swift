import AnthropicAPI
import AsyncHTTPClient
import ChaosCore
import Foundation
import NIOCore
import NIOHTTP1

/// Calls a model over the Messages API at any Anthropic-compatible base URL (the
/// mock, or the real API), as JSON or as a stream, within a timeout in scenario
/// time. Every way a call can go wrong comes back as a ``CallFailure``; in
/// particular an `event: error` inside a 200 stream is a failure, never a success.
public struct ModelClient: Sendable {
    public let baseURL: String
    public let apiKey: String
    public let clock: any ScenarioClock
    let http: HTTPClient

    public init(baseURL: String, apiKey: String, clock: any ScenarioClock, http: HTTPClient = ModelClient.sharedHTTP) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.clock = clock
        self.http = http
    }

    /// How the pipeline's HTTP client is set up. A refused connection fails the
    /// call at once, as it does in a real outage, and the pipeline's own retries take
    /// it from there, with the backoff the verdicts judge. AsyncHTTPClient's default
    /// retries connecting, unseen, until the request's deadline: a down upstream
    /// then looked like a 30 s timeout on every attempt, three minutes an answer.
    public static func httpConfiguration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// The client calls share unless given their own.
    public static let sharedHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration())

    /// A model's answer.
    public struct Reply: Sendable, Equatable {
        public var text: String
        public var stopReason: String?
        public var usage: Usage
        public var requestID: String?
        /// Scenario time of the first text delta, for a stream.
        public var firstTokenAt: Duration?
        /// Mean gap between text deltas, for a stream of two or more.
        public var interTokenLatency: Duration?
    }

    /// One call: attempt `attempt` of logical request `requestID`, both sent upstream
    /// so the mock's journal can correlate retries.
    public func send(
        _ request: MessagesRequest, requestID: String, attempt: Int, timeout: Duration, headers: [(String, String)] = []
    ) async -> Result<Reply, CallFailure> {
        await withTaskGroup(of: Result<Reply, CallFailure>?.self) { group in
            group.addTask { await perform(request, requestID: requestID, attempt: attempt, timeout: timeout, headers: headers) }
            group.addTask {
                do { try await clock.sleep(for: timeout) } catch { return nil }
                return .failure(.timeout(timeout))
            }
            var result: Result<Reply, CallFailure> = .failure(.timeout(timeout))
            while let next = await group.next() {
                guard let next else { continue }
                result = next
                break
            }
            group.cancelAll()
            return result
        }
    }

    static func describe(connectionError error: any Error) -> String {
        (error as? IOError).map { ErrnoText.describe($0.errnoCode) } ?? "\(error)"
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    private func perform(_ body: MessagesRequest, requestID: String, attempt: Int, timeout: Duration, headers: [(String, String)]) async -> Result<Reply, CallFailure> {
        var request = HTTPClientRequest(url: baseURL + "/v1/messages")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: HeaderName.apiKey, value: apiKey)
        request.headers.add(name: HeaderName.anthropicVersion, value: "2023-06-01")
        request.headers.add(name: HeaderName.llmchaosRequest, value: requestID)
        request.headers.add(name: HeaderName.llmchaosAttempt, value: String(attempt))
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        guard let data = try? Self.encoder.encode(body) else { return .failure(.truncated("could not encode the request")) }
        request.body = .bytes(ByteBuffer(bytes: data))
        // The scenario-time timeout above is the real limit; this only stops a
        // connection that outlives it by far.
        let deadline = TimeAmount.nanoseconds(Int64(clock.realDuration(of: timeout).seconds * 1e9) + 10_000_000_000)
        do {
            let response = try await http.execute(request, timeout: deadline)
            let upstreamID = response.headers.first(name: HeaderName.requestID)
            guard response.status == .ok else {
                let bytes = try await response.body.collect(upTo: 1 << 20)
                let envelope = try? Self.decoder.decode(ErrorEnvelope.self, from: Data(bytes.readableBytesView))
                return .failure(.http(
                    status: Int(response.status.code), type: envelope?.error.type ?? "http_\(response.status.code)",
                    message: envelope?.error.message ?? "", retryAfter: retryAfter(response.headers)
                ))
            }
            if body.stream == true {
                return await readStream(response, requestID: upstreamID)
            }
            let bytes = try await response.body.collect(upTo: 16 << 20)
            guard let message = try? Self.decoder.decode(MessagesResponse.self, from: Data(bytes.readableBytesView)) else {
                return .failure(.truncated("the body is not a complete message"))
            }
            return .success(Reply(text: message.text, stopReason: message.stopReason?.rawValue, usage: message.usage, requestID: upstreamID))
        } catch is CancellationError {
            return .failure(.timeout(timeout))
        } catch {
            return .failure(.connection(Self.describe(connectionError: error)))
        }
    }

    private func readStream(_ response: HTTPClientResponse, requestID: String?) async -> Result<Reply, CallFailure> {
        var parser = ServerSentEvents()
        var text = ""
        var stopReason: String?
        var usage = Usage(inputTokens: 0, outputTokens: 0)
        var firstToken: Duration?
        var lastToken: Duration?
        var deltas = 0
        do {
            for try await buffer in response.body {
                for event in parser.feed(buffer.readableBytesView) {
                    let json = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
                    switch event.name ?? "message" {
                    case "message_start":
                        let start = (json["message"] as? [String: Any])?["usage"] as? [String: Any]
                        usage.inputTokens = start?["input_tokens"] as? Int ?? 0
                        usage.cacheCreationInputTokens = start?["cache_creation_input_tokens"] as? Int ?? 0
                        usage.cacheReadInputTokens = start?["cache_read_input_tokens"] as? Int ?? 0
                    case "content_block_delta":
                        text += ((json["delta"] as? [String: Any])?["text"] as? String) ?? ""
                        let now = clock.now()
                        if firstToken == nil { firstToken = now }
                        lastToken = now
                        deltas += 1
                    case "message_delta":
                        stopReason = (json["delta"] as? [String: Any])?["stop_reason"] as? String
                        usage.outputTokens = ((json["usage"] as? [String: Any])?["output_tokens"] as? Int) ?? usage.outputTokens
                    case "message_stop":
                        var reply = Reply(text: text, stopReason: stopReason, usage: usage, requestID: requestID, firstTokenAt: firstToken)
                        if let firstToken, let lastToken, deltas > 1 { reply.interTokenLatency = (lastToken - firstToken) / (deltas - 1) }
                        return .success(reply)
                    case "error":
                        let error = json["error"] as? [String: Any]
                        return .failure(.streamError(type: error?["type"] as? String ?? "error", message: error?["message"] as? String ?? ""))
                    default:
                        continue
                    }
                }
            }
            return .failure(.truncated("the stream ended without message_stop"))
        } catch is CancellationError {
            return .failure(.connection("cancelled"))
        } catch {
            return .failure(.connection("the stream broke: \(error)"))
        }
    }

    /// `retry-after-ms` or `retry-after` (real time), as scenario time.
    private func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let ms = headers.first(name: HeaderName.retryAfterMs).flatMap(Double.init) {
            return clock.scenarioDuration(ofReal: .milliseconds(ms))
        }
        if let seconds = headers.first(name: HeaderName.retryAfter).flatMap(Double.init) {
            return clock.scenarioDuration(ofReal: .milliseconds(seconds * 1000))
        }
        return nil
    }
}
