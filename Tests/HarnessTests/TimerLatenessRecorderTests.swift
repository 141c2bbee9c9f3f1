import ChaosCore
@testable import Harness
import Testing

@Suite struct TimerLatenessRecorderTests {
    /// Percentiles to the histogram's three significant digits, whatever the order the samples came in.
    @Test func percentilesComeFromAFixedSizeHistogram() throws {
        let recorder = TimerLatenessRecorder()
        #expect(recorder.lateness == nil, "nothing measured, nothing to say")
        for millis in (1...200).shuffled() { recorder.record(.milliseconds(millis)) }
        recorder.record(.milliseconds(-3))   // a timer that woke early is not late
        let lateness = try #require(recorder.lateness)
        #expect(lateness.samples == 201)
        #expect(abs(lateness.p50.milliseconds - 100) <= 0.1, "\(lateness.p50)")
        #expect(abs(lateness.p99.milliseconds - 198) <= 0.2, "\(lateness.p99)")
        #expect(abs(lateness.max.milliseconds - 200) <= 0.2, "\(lateness.max)")
    }

    @Test func subMillisecondLatenessKeepsItsMicroseconds() throws {
        let recorder = TimerLatenessRecorder()
        for _ in 0..<99 { recorder.record(.microseconds(120)) }
        recorder.record(.milliseconds(40))
        let lateness = try #require(recorder.lateness)
        #expect(lateness.p50 == .microseconds(120))
        #expect(lateness.p99 == .microseconds(120))
        #expect(abs(lateness.max.milliseconds - 40) <= 0.04)
    }
}
