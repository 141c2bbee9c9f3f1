import Foundation
import NIOCore
import Testing
import Workload

@testable import MockClaude

/// The in-memory connection the `Benchmarks/` package measures the mock through:
/// it must be the mock's own answering path, so what it measures is what a socket gets.
@Suite struct EmbeddedConnectionTests {
    /// The same answer as over loopback, `date` aside, for each of two requests
    /// sent in one write, each journaled.
    @Test func answersAsTheSocketDoesPipelinedRequestsEach() async throws {
        try await MockFixture.with { mock in
            let question = GoldenQuestions.all[0].question
            let body = MockFixture.body(question)
            let overSocket = try await RawHTTP.send(port: mock.running.port, RawHTTP.request("/v1/messages", body, "connection: close\r\n"))
            let connection = try mock.running.server.embeddedConnection()
            let request = RawHTTP.request("/v1/messages", body)
            let answer = try connection.exchange(ByteBuffer(string: request + request))
            let text = String(buffer: answer)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 3, "\(text)")
            func bodies(_ text: String) -> [String] {
                text.components(separatedBy: "\r\n\r\n").dropFirst().map { $0.components(separatedBy: "HTTP/1.1").first ?? "" }
            }
            let socketBody = try #require(bodies(overSocket.bytes).first)
            let memoryBodies = bodies(text)
            // Message ids differ per attempt; the rest is the same bytes.
            #expect(memoryBodies.count == 2)
            #expect(memoryBodies.allSatisfy { $0.contains(#""text":"```sql"#) && $0.hasSuffix("}") }, "\(memoryBodies)")
            #expect(socketBody.replacingOccurrences(of: #""id":"msg_[A-Za-z0-9]+""#, with: "", options: .regularExpression)
                == memoryBodies[0].replacingOccurrences(of: #""id":"msg_[A-Za-z0-9]+""#, with: "", options: .regularExpression))
            #expect(mock.journal.entries().count == 3)
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) >= 3)
        }
    }
}
