import ChaosCore
import Foundation
import Load

/// Live progress while a scenario runs: one line rewritten in place on a
/// terminal; on a pipe or in CI, a plain line every few seconds.
///
/// ```
/// opus-overloaded  2m30s/10m  1,234 req  err 0.4%  p99 3.2s  faults: opus-529  alerts: HighErrorRate
/// ```
public struct RunProgress: Sendable {
    public enum Style: Sendable { case live, lines, silent }
    let style: Style
    let write: @Sendable (String) -> Void

    public init(style: Style, write: @escaping @Sendable (String) -> Void = { text in FileHandle.standardError.write(Data(text.utf8)) }) {
        self.style = style; self.write = write
    }

    /// Live on a terminal, plain lines when not a TTY or under CI.
    public static func automatic() -> RunProgress {
        let ci = ProcessInfo.processInfo.environment["CI"] != nil
        return RunProgress(style: isatty(STDERR_FILENO) == 1 && !ci ? .live : .lines)
    }

    /// How often (real seconds) a plain line is written.
    var lineInterval: Double { 2 }

    struct Status {
        var scenario: String
        var now: Duration
        var duration: Duration
        var snapshot: LatencyRecorder.Snapshot
        var activeFaults: [String]
        var alerts: [String]
    }

    func line(_ status: Status) -> String {
        let s = status.snapshot
        var text = "\(status.scenario)  \(DurationText.format(min(status.now, status.duration)))/\(DurationText.format(status.duration))"
        text += "  \(s.finished) req  err \(String(format: "%.1f%%", s.errorRate * 100))  p99 \(DurationText.format(s.p99))"
        if s.dropped > 0 { text += "  dropped \(s.dropped)" }
        if !status.activeFaults.isEmpty { text += "  faults: " + status.activeFaults.joined(separator: ",") }
        if !status.alerts.isEmpty { text += "  alerts: " + status.alerts.joined(separator: ",") }
        return text
    }

    func update(_ status: Status) {
        switch style {
        case .silent: return
        case .live: write("\r\u{1B}[2K" + line(status))
        case .lines: write(line(status) + "\n")
        }
    }

    func finish(_ text: String) {
        switch style {
        case .silent: return
        case .live: write("\r\u{1B}[2K" + text + "\n")
        case .lines: write(text + "\n")
        }
    }
}
