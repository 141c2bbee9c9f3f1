import ChaosCore
import Foundation
@testable import Load
import NIOCore
import NIOHTTP1
import Testing
import TestSupport

/// The load generator's own HTTP/1.1 client against servers that behave as real
/// ones do, byte for byte: it must never turn a server's ordinary behaviour into a
/// failure the verdicts would blame on the target, nor hide a real one.
@Suite struct LoadHTTPClientTests {
    let clock = ScaledClock(timeScale: 1)

    static func answer(_ body: String, headers: String = "") -> String {
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\(headers)\r\n\(body)"
    }

    func post(_ client: LoadHTTPClient, _ url: String, body: String = #"{"q":1}"#, timeout: Duration = .seconds(10)) async throws -> LoadHTTPClient.Response {
        try await client.execute(method: .POST, url: url, headers: ["x-test": "1"], body: ByteBuffer(string: body), timeout: timeout, clock: clock)
    }

    @Test func aKeptAliveConnectionCarriesTheNextRequests() async throws {
        let seen = Locked<[String]>([])
        let server = try ScriptedServer { connection, _ in
            while let request = connection.readRequest() {
                seen.withLock { $0.append(request.head + "|" + request.body) }
                connection.write(Self.answer(#"{"n":"# + "\(seen.withLock { $0.count })}"))
            }
        }
        defer { server.stop() }
        let client = LoadHTTPClient(maxIdle: .seconds(60))
        for n in 1...5 {
            let response = try await post(client, server.url + "/v1/ask?x=1", body: "body \(n)")
            #expect(response.status == 200)
            #expect(String(buffer: response.body) == #"{"n":"# + "\(n)}")
            #expect(response.headers.first(name: "content-type") == "application/json")
        }
        await client.shutdown()
        #expect(server.connections == 1)
        let first = try #require(seen.withLock { $0.first })
        #expect(first.hasPrefix("POST /v1/ask?x=1 HTTP/1.1\r\n"))
        #expect(first.lowercased().contains("host: 127.0.0.1:\(server.port)"))
        #expect(first.lowercased().contains("content-length: 6"))
        #expect(first.contains("x-test: 1"))
        #expect(first.hasSuffix("|body 1"))
    }

    @Test func aChunkedAnswerIsJoined() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")
            connection.write("6\r\n world\r\n0\r\n\r\n")
        }
        defer { server.stop() }
        let response = try await post(LoadHTTPClient(), server.url + "/")
        #expect(String(buffer: response.body) == "hello world")
    }

    @Test func connectionCloseIsHonouredAndTheNextRequestConnectsAnew() async throws {
        let server = try ScriptedServer { connection, index in
            _ = connection.readRequest()
            connection.write(Self.answer("\(index)", headers: "connection: close\r\n"))
        }
        defer { server.stop() }
        let client = LoadHTTPClient()
        #expect(String(buffer: try await post(client, server.url + "/").body) == "0")
        #expect(String(buffer: try await post(client, server.url + "/").body) == "1")
        #expect(server.connections == 2)
    }

    @Test func anAnswerWithoutALengthEndsWithItsConnection() async throws {
        let server = try ScriptedServer { connection, index in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil ")
            connection.write("the end \(index)")
            connection.close()
        }
        defer { server.stop() }
        let client = LoadHTTPClient(maxIdle: .seconds(60))
        #expect(String(buffer: try await post(client, server.url + "/").body) == "until the end 0")
        #expect(String(buffer: try await post(client, server.url + "/").body) == "until the end 1")
        #expect(server.connections == 2)
    }

    @Test func anAnswerThatIsNotHTTPFailsAndItsConnectionCloses() async throws {
        let closed = Locked(false)
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write("SSH-2.0-OpenSSH_9.6\r\n\r\n")
            closed.withLock { $0 = connection.waitForClose() }
        }
        defer { server.stop() }
        await #expect(throws: LoadHTTPClient.Failure.malformedAnswer("the status line 'SSH-2.0-OpenSSH_9.6' is not HTTP/1.x")) {
            try await post(LoadHTTPClient(), server.url + "/")
        }
        try await waitUntil { closed.withLock { $0 } }
    }

    @Test func anIdleConnectionTheServerClosedIsNotReused() async throws {
        // Answers as if it kept the connection, then closes it while idle, as a
        // server does at its keep-alive timeout.
        let server = try ScriptedServer { connection, index in
            _ = connection.readRequest()
            connection.write(Self.answer("\(index)"))
            connection.close()
        }
        defer { server.stop() }
        let client = LoadHTTPClient()
        #expect(String(buffer: try await post(client, server.url + "/").body) == "0")
        try await Task.sleep(for: .milliseconds(200))
        let second = try await post(client, server.url + "/")
        #expect(String(buffer: second.body) == "1", "a POST on the closed connection would have failed")
    }

    @Test func aConnectionIdleLongerThanTheLimitIsNotReused() async throws {
        let server = try ScriptedServer { connection, index in
            while connection.readRequest() != nil { connection.write(Self.answer("\(index)")) }
        }
        defer { server.stop() }
        #expect(LoadHTTPClient.defaultMaxIdle == .seconds(1))
        let client = LoadHTTPClient(maxIdle: .milliseconds(200))
        #expect(String(buffer: try await post(client, server.url + "/").body) == "0")
        try await Task.sleep(for: .milliseconds(400))
        #expect(String(buffer: try await post(client, server.url + "/").body) == "1", "a server may be closing it at its keep-alive timeout")
        await client.shutdown()
    }

    @Test func aServerThatNeverAnswersTimesOutAndItsConnectionCloses() async throws {
        let closed = Locked(false)
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            closed.withLock { $0 = connection.waitForClose() }
        }
        defer { server.stop() }
        let started = ContinuousClock.now
        await #expect(throws: LoadHTTPClient.Failure.timedOut(.milliseconds(300))) {
            try await post(LoadHTTPClient(), server.url + "/", timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        try await waitUntil { closed.withLock { $0 } }
    }

    /// Deadlines are kept by one timer per connection: the next request on it
    /// gets its own whole timeout, whether longer or shorter than the last's.
    @Test(arguments: [(Duration.milliseconds(400), Duration.milliseconds(400)), (.seconds(20), .milliseconds(300))])
    func eachRequestOnAConnectionGetsItsOwnDeadline(first: Duration, second: Duration) async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write(Self.answer("first"))
            _ = connection.readRequest()
            _ = connection.waitForClose()
        }
        defer { server.stop() }
        let client = LoadHTTPClient(maxIdle: .seconds(60))
        _ = try await post(client, server.url + "/", timeout: first)
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        await #expect(throws: LoadHTTPClient.Failure.timedOut(second)) { try await post(client, server.url + "/", timeout: second) }
        let waited = ContinuousClock.now - started
        #expect(waited >= second, "timed out at the first request's deadline")
        #expect(waited < .seconds(10), "waited for the first request's deadline")
        #expect(server.connections == 1)
    }

    @Test func aPortNobodyListensOnIsACannotConnectThatSaysSo() async throws {
        let port = ExternalTool.freeLoopbackPort()
        let client = LoadHTTPClient()
        defer { Task { await client.shutdown() } }
        await #expect(throws: LoadHTTPClient.Failure.cannotConnect("127.0.0.1:\(port)", "connection refused (nothing listens there)")) {
            try await post(client, "http://127.0.0.1:\(port)/")
        }
    }

    @Test func anAnswerCutShortIsAFailureNotAShortBody() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten..")
            connection.close()
        }
        defer { server.stop() }
        await #expect(throws: LoadHTTPClient.Failure.closedMidAnswer) { try await post(LoadHTTPClient(), server.url + "/") }
    }

    @Test func cancellingTheRequestClosesItsConnection() async throws {
        let closed = Locked(false)
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            closed.withLock { $0 = connection.waitForClose() }
        }
        defer { server.stop() }
        let client = LoadHTTPClient()
        let request = Task { try await post(client, server.url + "/") }
        try await Task.sleep(for: .milliseconds(200))
        request.cancel()
        await #expect(throws: (any Error).self) { try await request.value }
        try await waitUntil { closed.withLock { $0 } }
    }

    @Test func anInformationalAnswerIsNotTheAnswer() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n")
            connection.write(Self.answer("final"))
        }
        defer { server.stop() }
        let response = try await post(LoadHTTPClient(), server.url + "/")
        #expect(response.status == 200)
        #expect(String(buffer: response.body) == "final")
    }

    @Test func streamPiecesAreTimedWhenTheyArrive() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            connection.write("6\r\ndata: \r\n")
            Thread.sleep(forTimeInterval: 0.3)
            connection.write("3\r\n1\n\n\r\n0\r\n\r\n")
        }
        defer { server.stop() }
        let response = try await post(LoadHTTPClient(), server.url + "/")
        let chunks = try #require(response.timedChunks)
        #expect(chunks.map { String(buffer: $0.1) }.joined() == "data: 1\n\n")
        // Each piece is its own small buffer, not a slice holding a receive buffer.
        #expect(chunks.allSatisfy { $0.1.storageCapacity < 512 }, "\(chunks.map { $0.1.storageCapacity })")
        let first = try #require(chunks.first?.0), last = try #require(chunks.last?.0)
        // 300 ms apart when sent; a loaded machine may read the first piece late,
        // but pieces stamped together (at the end) would be ~0 apart.
        #expect(last - first >= .milliseconds(150), "\(last - first)")
    }

    @Test func aStreamIsKnownByItsContentTypeInAnyCase() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: Text/Event-Stream; charset=utf-8\r\ncontent-length: 9\r\n\r\ndata: 1\n\n")
            _ = connection.readRequest()
            connection.write(Self.answer("{}"))
        }
        defer { server.stop() }
        let client = LoadHTTPClient(maxIdle: .seconds(60))
        let stream = try await post(client, server.url + "/")
        #expect(stream.timedChunks.map { $0.map { String(buffer: $0.1) }.joined() } == "data: 1\n\n")
        #expect(try await post(client, server.url + "/").timedChunks == nil, "application/json is not a stream")
        await client.shutdown()
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/v1/messages?a=b#frag", false, "127.0.0.1", 8080, "/v1/messages?a=b", "127.0.0.1:8080"),
        ("https://example.test", true, "example.test", 443, "/", "example.test"),
        ("HTTP://[::1]:9000?q=1", false, "::1", 9000, "/?q=1", "[::1]:9000"),
        ("http://localhost/", false, "localhost", 80, "/", "localhost"),
    ])
    func urlsAreCutIntoOriginAndTarget(url: String, tls: Bool, host: String, port: Int, target: String, hostHeader: String) throws {
        let cut = try RequestURL(url)
        #expect(cut.origin == RequestURL.Origin(tls: tls, host: host, port: port))
        #expect(cut.target == target)
        #expect(cut.hostHeader == hostHeader)
    }

    @Test(arguments: ["ftp://host/", "127.0.0.1:80/", "http://user:pw@host/", "http://host:0/", "http://host:x/", "http:///path", "http://[::1/"])
    func badURLsSayWhy(url: String) {
        #expect(throws: LoadHTTPClient.Failure.self) { try RequestURL(url) }
    }

    private func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { Issue.record("condition never held"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A value shared with a server's script thread.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
