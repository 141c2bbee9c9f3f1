import Testing
import ChaosCore

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("2s", .seconds(2)), ("1.5s", .milliseconds(1500)),
        ("5m", .seconds(300)), ("1h", .seconds(3600)), ("1m30s", .seconds(90)), (" 40ms ", .milliseconds(40)),
        ("0s", .zero), ("250us", .microseconds(250)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text).get() == expected)
    }

    @Test(arguments: [("30", "has no unit"), ("", "is empty"), ("5x", "unknown unit 'x'"), ("ms", "expected a number")])
    func refusesWithAReason(text: String, reason: String) {
        guard case let .failure(error) = DurationText.parse(text) else { Issue.record("\(text) parsed"); return }
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test(arguments: [
        (Duration.seconds(120), "2m"), (.seconds(90), "1m30s"), (.milliseconds(1500), "1.5s"),
        (.milliseconds(250), "250ms"), (.zero, "0s"), (.seconds(3600 + 61), "1h1m1s"),
    ])
    func formatsReadably(duration: Duration, text: String) throws {
        #expect(DurationText.format(duration) == text)
        #expect(try DurationText.parse(text).get() == duration)
    }
}
