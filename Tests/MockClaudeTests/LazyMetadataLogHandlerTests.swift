import Logging
import Synchronization
import Testing
@testable import MockClaude

@Suite struct LazyMetadataLogHandlerTests {
    final class Lines: Sendable {
        let all = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = ["handler": "inner"]
        var logLevel: Logger.Level = .notice
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.all.withLock { $0.append((event.level, event.message.description, self.metadata.merging(event.metadata ?? [:]) { $1 })) }
        }
    }

    @Test func metadataSetPerRequestReachesTheLinesThatAreWritten() {
        let lines = Lines()
        var logger = Logger(label: "t") { _ in LazyMetadataLogHandler(inner: Capture(lines: lines)) }
        logger[metadataKey: "hb.request.id"] = "42"
        logger.info("below the level")
        logger.notice("written", metadata: ["extra": "1"])
        #expect(logger.logLevel == .notice)
        let written = lines.all.withLock { $0 }
        #expect(written.count == 1)
        #expect(written.first?.1 == "written")
        #expect(written.first?.2 == ["hb.request.id": "42", "extra": "1", "handler": "inner"])
    }
}
