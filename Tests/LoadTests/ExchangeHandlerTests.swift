import ChaosCore
import Foundation
@testable import Load
import NIOCore
import Testing
import TestSupport

/// A request is handed to its connection's handler, on the connection's loop,
/// and waits on a continuation only the handler resumes: every request it is
/// given must be answered exactly once, whatever state the connection is in. One
/// left unanswered would hold its load worker for good. The deadlines here are
/// short so that a handler that forgot a request fails these tests with
/// `timedOut` (its watchdog) rather than hanging them.
@Suite struct ExchangeHandlerTests {
    let clock = ScaledClock(timeScale: 1)

    func answer(_ connection: Connection, timeout: Duration = .milliseconds(500)) async throws -> LoadHTTPClient.Response {
        try await withUnsafeThrowingContinuation { answer in
            connection.start(ByteBuffer(string: "GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"), answersHead: false, timeout: timeout,
                             clock: clock, answer: answer)
        }
    }

    /// Handed from another thread (a caller off the client's loops) or on the
    /// connection's own loop (a load worker): both are answered.
    @Test(arguments: [false, true])
    func aRequestHandedToAConnectionThatHasClosedIsAnsweredAsSuch(onLoop: Bool) async throws {
        let server = try ScriptedServer { connection, _ in _ = connection.waitForClose() }
        defer { server.stop() }
        let client = LoadHTTPClient()
        let executor = try #require(client.executor(forWorker: 0) as? EventLoopTaskExecutor)
        let connection = try await client.connect(try RequestURL(server.url + "/").origin, on: executor.loop, timeout: .seconds(5))
        try await connection.channel.close()
        await #expect(throws: LoadHTTPClient.Failure.closedBeforeAnswer) {
            if onLoop {
                _ = try await withTaskExecutorPreference(executor) { try await answer(connection) }
            } else {
                _ = try await answer(connection)
            }
        }
    }

    @Test func aConnectionThatClosesBeforeTheAnswerAnswersTheRequest() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            connection.close()
        }
        defer { server.stop() }
        let client = LoadHTTPClient()
        let executor = try #require(client.executor(forWorker: 0) as? EventLoopTaskExecutor)
        let connection = try await client.connect(try RequestURL(server.url + "/").origin, on: executor.loop, timeout: .seconds(5))
        await #expect(throws: LoadHTTPClient.Failure.closedBeforeAnswer) { try await answer(connection, timeout: .seconds(5)) }
    }

    @Test func aSecondRequestWhileOneIsInFlightIsRefusedAndTheFirstStillAnswered() async throws {
        let server = try ScriptedServer { connection, _ in
            _ = connection.readRequest()
            Thread.sleep(forTimeInterval: 0.3)
            connection.write("HTTP/1.1 204 No Content\r\n\r\n")
            _ = connection.waitForClose()
        }
        defer { server.stop() }
        let client = LoadHTTPClient()
        let executor = try #require(client.executor(forWorker: 0) as? EventLoopTaskExecutor)
        let connection = try await client.connect(try RequestURL(server.url + "/").origin, on: executor.loop, timeout: .seconds(5))
        async let first = answer(connection, timeout: .seconds(5))
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: LoadHTTPClient.Failure.busy) { try await answer(connection) }
        #expect(try await first.status == 204)
        try await connection.channel.close()
    }
}
