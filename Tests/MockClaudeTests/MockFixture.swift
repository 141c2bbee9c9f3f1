import AsyncHTTPClient
import ChaosCore
import Faults
import Foundation
import NIOCore
import NIOHTTP1
import Scenario
import Workload
@testable import MockClaude

/// A mock on a free loopback port, and a real HTTP client to talk to it.
struct MockFixture {
    let running: RunningMock
    var baseURL: String { running.baseURL }
    var journal: Journal { running.server.journal }

    static let dataset = try! AnalyticsDataset()

    /// Runs `body` against a fresh mock and always stops it.
    /// - Parameter faults: YAML of a scenario's `faults:` list.
    @discardableResult
    static func with<R>(
        faults: String? = nil, seed: UInt64 = 7, clock: any ScenarioClock = ScaledClock(timeScale: 1),
        configure: (inout MockConfiguration) -> Void = { _ in },
        _ body: (MockFixture) async throws -> R
    ) async throws -> R {
        var configuration = MockConfiguration()
        configuration.port = 0
        configure(&configuration)
        let specs = try faults.map { try ScenarioLoader.parseFaults(yaml: $0, file: "test") } ?? []
        let plan = FaultPlan(seed: seed, faults: try FaultPlan.schedule(specs))
        let running = try await MockServer(configuration: configuration, plan: plan, clock: clock, dataset: dataset).start()
        do {
            let result = try await body(MockFixture(running: running))
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    static let apiKey: [(String, String)] = [("x-api-key", "sk-test-secret")]

    /// A Messages API body.
    static func body(_ text: String, model: String = "claude-opus-4-7", maxTokens: Int = 400, stream: Bool = false, system: String? = nil) -> String {
        var object: [String: Any] = [
            "model": model, "max_tokens": maxTokens, "stream": stream,
            "messages": [["role": "user", "content": text]],
        ]
        if let system { object["system"] = system }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var errorType: String? { (json["error"] as? [String: Any])?["type"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        var text: String { ((json["content"] as? [[String: Any]])?.first?["text"] as? String) ?? "" }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    func request(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = MockFixture.apiKey) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    func post(_ body: String, path: String = "/v1/messages", headers: [(String, String)] = MockFixture.apiKey) async throws -> Reply {
        try await request(.POST, path, body: body, headers: headers)
    }

    struct Stream {
        var status: Int
        var headers: HTTPHeaders
        var events: [(name: String, data: String)]
        /// What ended the stream early, if anything did.
        var error: (any Error)?
        var names: [String] { events.map(\.name) }
        var text: String {
            events.filter { $0.name == "content_block_delta" }.compactMap { event in
                let json = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any]
                return (json?["delta"] as? [String: Any])?["text"] as? String
            }.joined()
        }
        func data(of name: String) -> [String: Any] {
            guard let event = events.last(where: { $0.name == name }) else { return [:] }
            return (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Sends a streaming request and reads events until the body ends or breaks.
    func stream(_ body: String, headers: [(String, String)] = MockFixture.apiKey) async throws -> Stream {
        var request = HTTPClientRequest(url: baseURL + "/v1/messages")
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var raw = ""
        var failure: (any Error)?
        do {
            for try await buffer in response.body { raw += String(buffer: buffer) }
        } catch {
            failure = error
        }
        let events = raw.components(separatedBy: "\n\n").compactMap { block -> (String, String)? in
            let lines = block.split(separator: "\n")
            guard let name = lines.first(where: { $0.hasPrefix("event: ") })?.dropFirst(7),
                  let data = lines.first(where: { $0.hasPrefix("data: ") })?.dropFirst(6) else { return nil }
            return (String(name), String(data))
        }
        return Stream(status: Int(response.status.code), headers: response.headers, events: events, error: failure)
    }

    /// The journal, read over the control API as a user would.
    /// Waits, up to 10 s, until no request is in flight; false if some still are.
    func settled() async throws -> Bool {
        let inFlight = running.server.runtime.inFlight
        let deadline = ContinuousClock.now + .seconds(10)
        while inFlight.current > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        return inFlight.current == 0
    }

    func journalEntries() async throws -> [UpstreamAttempt] {
        let reply = try await request(.GET, "/_chaos/journal", headers: [])
        struct Page: Decodable { var entries: [UpstreamAttempt] }
        return try JSONDecoder().decode(Page.self, from: Data(reply.body.utf8)).entries
    }
}
