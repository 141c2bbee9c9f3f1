import Foundation
import Results
import TestSupport
import Testing
import Verdicts

/// The HTML report in a real browser: headless Chromium (Debian's `chromium`, which
/// `scripts/setup-test-tools` installs) renders it from a file with no network, and
/// the screenshot has ink on it. A blank page through the same measurement is the
/// control that shows the check can fail.
///
/// Skipped when Chromium is not installed — unless `LLMCHAOS_REQUIRE_TOOLS=1`, as
/// in CI, where a missing browser is a failure.
@Suite("HTML report in headless Chromium", .serialized)
struct HTMLRenderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let chromium: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap(ExternalTool.find).first
    static let required = ProcessInfo.processInfo.environment["LLMCHAOS_REQUIRE_TOOLS"] == "1"

    struct Ink: Decodable { var width: Int; var height: Int; var ink: Double; var colors: Int }

    /// Screenshots `html` and measures the PNG.
    func screenshot(_ html: String, name: String) async throws -> Ink {
        let chromium = try #require(Self.chromium, "LLMCHAOS_REQUIRE_TOOLS=1 but no chromium: run scripts/setup-test-tools")
        let directory = NSTemporaryDirectory() + "llmchaos-html-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let page = "\(directory)/\(name).html"
        let png = "\(directory)/\(name).png"
        try html.write(toFile: page, atomically: true, encoding: .utf8)
        // No sandbox (CI runs as root); no background traffic: the page is a local file.
        let shot = try await ExternalTool.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--user-data-dir=\(directory)/profile", "--window-size=1280,1400", "--screenshot=\(png)", "file://\(page)",
        ], timeout: .seconds(60))
        #expect(shot.status == 0, "\(shot.stderr)")
        let measured = try await ExternalTool.run("python3", [Self.root.appendingPathComponent("Tests/fixtures/png_ink.py").path, png], timeout: .seconds(60))
        #expect(measured.status == 0, "\(measured.stderr)")
        return try JSONDecoder().decode(Ink.self, from: Data(measured.stdout.utf8))
    }

    @Test(.enabled(if: chromium != nil || required, "no chromium: run scripts/setup-test-tools"), .timeLimit(.minutes(3)))
    func theReportRendersAndTheScreenshotIsNotBlank() async throws {
        let suite = SuiteResult(invocation: "render-1", startedAt: Date(timeIntervalSince1970: 0), results: [
            ScenarioResult(log: sampleLog(), verdicts: [
                Verdict(kind: "slo", expectation: "p99 ≤ 10s", passed: true, measured: "p99 1.5s"),
                Verdict(kind: "alert", expectation: "HighErrorRate fires within 1m of storm", passed: false, measured: "never fired"),
            ], description: "rendered in a browser", wallSeconds: 1),
        ])
        let report = try await screenshot(HTMLReport.render(suite), name: "report")
        #expect(report.width == 1280 && report.height == 1400)
        // Headings, tables and the SVG timeline: a fifth of the page or so in practice.
        #expect(report.ink > 0.03, "only \(report.ink) of the screenshot differs from the background")
        #expect(report.colors > 50, "\(report.colors) colours: the charts did not draw")

        let blank = try await screenshot("<!doctype html><html><body></body></html>", name: "blank")
        #expect(blank.ink < 0.001 && blank.colors <= 2, "the control: a blank page measures blank (\(blank))")
    }
}
