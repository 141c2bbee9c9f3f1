import Foundation
import Testing

@Suite(.timeLimit(.minutes(2)))
struct SweepCommandTests {
    /// A results folder of the test's own, which it removes.
    static func freshResults(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "llmchaos-sweep-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The README's sweep, cut to two levels: one under the shipped scenario's
    /// 60-a-minute bucket, one well over it.
    @Test func sweepPrintsTheKneeAndWritesItsReports() async throws {
        let results = try Self.freshResults("cli")
        defer { try? FileManager.default.removeItem(atPath: results) }
        // The shipped scenario, less its p99 bound, two minutes at time scale 20: at
        // 60, on a test machine running every suite at once, a 100 ms stall is six
        // scenario seconds, enough for tier timeouts whose extra calls drain the
        // bucket at 0.5/s (seen once in CI: 4 calls refused), judging the machine.
        let shipped = try String(contentsOfFile: CLIProcess.root.appendingPathComponent("scenarios/capacity/rate-limit-knee.yaml").path, encoding: .utf8)
        let scenario = "\(results)/knee.yaml"
        let slower = shipped.replacingOccurrences(of: "slo: { p99: 10s, ", with: "slo: { ")
            .replacingOccurrences(of: "duration: 5m", with: "duration: 2m").replacingOccurrences(of: "time_scale: 60 ", with: "time_scale: 20 ")
        #expect(slower.contains("duration: 2m") && slower.contains("time_scale: 20 "), "the shipped scenario changed: \(slower)")
        try slower.write(toFile: scenario, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(["sweep", scenario, "--rate", "0.5/s,2.4/s", "--results", results, "--quiet"])
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains("max sustainable: 0.5/s / 0.50 answers/s"), "\(result.out)")
        #expect(result.out.contains("limited by requests per minute on all models"), "\(result.out)")
        let id = try #require(result.out.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        for file in ["sweep.csv", "sweep.json", "sweep.md", "sweep.html"] {
            #expect(FileManager.default.fileExists(atPath: "\(results)/\(id)/\(file)"), "\(file)")
        }
        let rejudged = try await CLIProcess.run(["report", id, "--results", results])
        #expect(rejudged.out.contains("rate-limit-knee@2.4rps"), "each level is a stored run: \(rejudged.out)")
        let compared = try await CLIProcess.run(["report", "--compare", id, id, "--results", results])
        #expect(compared.status == 0, "\(compared.err)")
        #expect(compared.out.contains("Knee: 0.5/s → 0.5/s (unchanged)"), "\(compared.out)")
        #expect(FileManager.default.fileExists(atPath: "\(results)/compare-\(id)-\(id).md"))
        let unknown = try await CLIProcess.run(["report", "--compare", id, "nope", "--results", results])
        #expect(unknown.status == 2)
        #expect(unknown.err.contains("--compare: no sweep 'nope'"), "\(unknown.err)")
    }

    @Test func aSweepWhoseTargetCannotStartSaysNoLevelRanAndStoresIt() async throws {
        let results = try Self.freshResults("dead")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let scenario = "\(results)/dead.yaml"
        try """
            name: sweep-dead
            duration: 10s
            time_scale: 10
            target:
              command: "python3 -c 'print(\\"no config\\"); raise SystemExit(4)'"
              ready: http://127.0.0.1:9/health
              request: { url: "http://127.0.0.1:9/q", body: '{}' }
            expect:
              - slo: { availability: 99% }
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let result = try await CLIProcess.run(["sweep", scenario, "--rate", "1/s,2/s", "--results", results, "--quiet"])
        #expect(result.status == 3)
        #expect(result.out.contains("ERROR sweep-dead@1rps: the target could not be started"), "\(result.out)")
        #expect(result.out.contains("no config"))
        #expect(result.out.contains("no level ran; the sweep stopped at 1/s: the target could not be started"), "not 'no level met the SLO': \(result.out)")
        let id = try #require(result.out.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        let markdown = try String(contentsOfFile: "\(results)/\(id)/sweep.md", encoding: .utf8)
        #expect(markdown.contains("the sweep stopped at 1/s: the target could not be started"), "\(markdown)")
        // The level's service output is kept with the sweep's reports.
        #expect(try String(contentsOfFile: "\(results)/\(id)/sweep-dead@1rps.target.log", encoding: .utf8) == "no config\n")
        let rejudged = try await CLIProcess.run(["report", "--compare", id, id, "--results", results])
        #expect(rejudged.out.contains("no level ran; the sweep stopped at 1/s"), "a stored sweep says so too: \(rejudged.out)\(rejudged.err)")
        let listed = try await CLIProcess.run(["report", "--results", results])
        #expect(listed.out.contains("0/0 held, 1 not started  sweep-dead@1rps"), "\(listed.out)")
    }

    /// A Ctrl-C during a level is not a capacity limit: the levels below it stand,
    /// and the headline says the limit was not found.
    @Test func anInterruptedLevelIsShownButNotTakenForTheLimit() async throws {
        let results = try Self.freshResults("int")
        defer { try? FileManager.default.removeItem(atPath: results) }
        let scenario = "\(results)/calm.yaml"
        try """
            name: sweep-calm
            duration: 40s
            time_scale: 10
            expect:
              - slo: { availability: 90% }
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let sweep = try CLIProcess(["sweep", scenario, "--rate", "1/s,2/s", "--results", results])
        // Sent as the second level starts setting up: a Ctrl-C there once hung the
        // sweep (the mock's start waited on a server it had left running).
        _ = try #require(await sweep.errorLine(containing: "level 2/2"), "\(sweep.stderr)")
        #expect(sweep.stderr.contains("✔ 1/s"), "the first level did not pass: \(sweep.stderr)")
        sweep.signal(SIGINT)
        let status = await sweep.status()
        #expect(sweep.stdout.contains("max sustainable: at least 1/s"), "\(sweep.stdout)")
        #expect(sweep.stdout.contains("the sweep stopped at 2/s: interrupted (Ctrl-C), before the limit was found"), "\(sweep.stdout)")
        #expect(!sweep.stdout.contains("limited by"), "an interruption is not a limit: \(sweep.stdout)")
        #expect(status == 0, "the levels that ran met the SLO")
    }

    @Test func aSweepWithoutLevelsIsAUsageError() async throws {
        let result = try await CLIProcess.run(["sweep", "scenarios/capacity/rate-limit-knee.yaml"])
        #expect(result.status == 2)
        #expect(result.err.contains("--concurrency 1,2,4,8"))
    }
}
