import Foundation
import TestSupport
import Testing

/// `llmchaos run` and `report` as a user and CI run them: exit codes, reports,
/// and proof that verdicts fail when the pipeline under test is broken. Scenarios
/// here that fail by design run with `--starved-reruns 0`: on a machine loaded by
/// the whole test suite, another attempt would only double them.
@Suite(.serialized) struct RunCommandTests {
    let directory = NSTemporaryDirectory() + "llmchaos-cli-run-\(UUID().uuidString)"

    func scenario(_ name: String, _ yaml: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/\(name).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A scenario's api_date decides which models its mock still serves: Opus 4.1
    /// answers on the API of July 2026 and is a 404 on today's, so the same
    /// pipeline is served by it in one run and falls through to the cache in the other.
    @Test func aScenariosAPIDateDecidesWhichModelsAreServed() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func run(_ day: String?) async throws -> String {
            let path = try scenario("day-\(day ?? "today")", """
                name: day
                duration: 10s
                time_scale: 5
                \(day.map { "api_date: \"\($0)\"" } ?? "")
                pipeline: { tiers: [claude-opus-4-1, cache, degraded], quality_monitor: { every: 0 } }
                load: { arrival: { rate: 1/s } }
                expect:
                  - silent_wrong_answers: 0
                """)
            let result = try await CLIProcess.run(["run", path, "--results", "\(directory)/results", "--quiet", "--starved-reruns", "0"])
            let summary = try #require(result.out.split(separator: "\n").first { $0.hasPrefix("reports: ") }, "\(result.out)\(result.err)")
            let folder = String(summary.dropFirst("reports: ".count).split(separator: " ").first ?? "")
            return "exit \(result.status)\n" + (try String(contentsOfFile: folder + "summary.md", encoding: .utf8))
        }
        let july = try await run("2026-07-01")
        #expect(july.hasPrefix("exit 0") && july.contains("| claude-opus-4-1 100.0% |"), "\(july)")
        let today = try await run(nil)
        #expect(today.hasPrefix("exit 1") && !today.contains("claude-opus-4-1 "), "nothing good is served today: \(today)")
    }

    @Test func passingFailingAndBrokenScenariosExitZeroOneAndTwo() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Time scale 3, not 30: a calm run must stay calm when the whole parallel test
        // suite loads the machine (at 30 a 0.46 s stall became a 13.9 s p99 and the
        // latency alert fired).
        let calm = try scenario("calm", """
            name: calm
            duration: 12s
            time_scale: 3
            load: { arrival: { rate: 1/s } }
            expect:
              - no_alert: {}
              - silent_wrong_answers: 0
            """)
        let junit = "\(directory)/ci/junit.xml"
        let passed = try await CLIProcess.run(["run", calm, "--results", "\(directory)/results", "--junit", junit, "--quiet"])
        #expect(passed.status == 0, "\(passed.out)\(passed.err)")
        #expect(passed.out.contains("passed: 2/2 expectations held in 1 scenarios"))
        #expect(FileManager.default.fileExists(atPath: junit))

        let impossible = try scenario("impossible", """
            name: impossible
            duration: 30s
            time_scale: 30
            load: { arrival: { rate: 1/s } }
            expect:
              - slo: { p99: 1ms }
            """)
        let failed = try await CLIProcess.run(["run", impossible, "--results", "\(directory)/results", "--quiet", "--starved-reruns", "0"])
        #expect(failed.status == 1)
        #expect(failed.out.contains("FAIL impossible · slo"))
        let runID = try #require(failed.out.split(separator: " ").last.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines))

        // The stored run, judged again from the RunLog alone: the same verdict.
        let report = try await CLIProcess.run(["report", runID, "--results", "\(directory)/results"])
        #expect(report.status == 1, "\(report.err)")
        #expect(report.out.contains("FAIL impossible · slo"))

        let broken = try scenario("broken", "name: broken\nduration: 30s\nload: { arrival: { rate: lots } }\n")
        let usage = try await CLIProcess.run(["run", broken, "--results", "\(directory)/results", "--junit", "\(directory)/junit.xml"])
        #expect(usage.status == 2)
        #expect(usage.err.contains("broken.yaml:3: rate 'lots' is not a rate"))
        // CI shows why nothing ran: the JUnit file has the problem as an error.
        let problems = try String(contentsOfFile: "\(directory)/junit.xml", encoding: .utf8)
        #expect(problems.contains(#"<testsuite name="scenario files" tests="1" failures="0" errors="1""#), "\(problems)")
        #expect(problems.contains("broken.yaml:3: rate &apos;lots&apos; is not a rate"), "\(problems)")
    }

    @Test func aTargetThatNeverBecomesReadyExitsThree() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = ExternalTool.freeLoopbackPort()
        let dead = try scenario("dead", """
            name: dead-target
            duration: 30s
            time_scale: 30
            target:
              command: "python3 -c 'import sys; print(\\"config missing\\"); sys.exit(4)'"
              ready: http://127.0.0.1:\(port)/health
              ready_timeout: 10s
              request: { url: "http://127.0.0.1:\(port)/query", body: '{"question": "{{question}}"}' }
            expect:
              - silent_wrong_answers: 0
              - slo: { availability: 99% }
            """)
        let result = try await CLIProcess.run(["run", dead, "--results", "\(directory)/results", "--junit", "\(directory)/junit.xml", "--quiet"])
        #expect(result.status == 3)
        #expect(result.out.contains("exited (status 4)"))
        #expect(result.out.contains("config missing"))
        #expect(result.out.contains("0/0 expectations held in 0 scenarios; 1 could not start"))
        // CI reads the reports, not the exit code alone: the scenario is there, as an error.
        let junit = try String(contentsOfFile: "\(directory)/junit.xml", encoding: .utf8)
        #expect(junit.contains(#"<testsuites name="llmchaos" tests="1" failures="0" errors="1""#))
        #expect(junit.contains(#"<testsuite name="dead-target" tests="1" failures="0" errors="1""#))
        #expect(junit.contains(#"<error message="the target could not be started">"#))
        #expect(junit.contains("config missing"))
        let runID = try #require(result.out.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        let summary = try String(contentsOfFile: "\(directory)/results/\(runID)/summary.md", encoding: .utf8)
        #expect(summary.contains("| dead-target | ⚠️ not_started |"))
        #expect(summary.contains("config missing"))
        // The service's whole output stays with the reports, and the error says where.
        let kept = "\(directory)/results/\(runID)/dead-target.target.log"
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "config missing\n")
        #expect(result.out.contains("its last output (all of it in \(kept))"), "\(result.out)")
        // Judged again from the store: still not started, nothing judged, still exit 3.
        let again = try await CLIProcess.run(["report", runID, "--results", "\(directory)/results"])
        #expect(again.status == 3)
        #expect(again.out.contains("ERROR dead-target: the target could not be started"))
        #expect(!again.out.contains("FAIL"), "an expectation is not judged over a run that never started")
    }

    /// The service runs in a process group of its own, out of reach of the
    /// terminal's Ctrl-C. On the first Ctrl-C the harness sends it SIGTERM and
    /// gives it time to shut down; on the second it ends it at once; either way it
    /// never leaves it holding its port.
    @Test(arguments: [1, 2])
    func ctrlCStopsTheServiceTheHarnessStarted(interrupts: Int) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = ExternalTool.freeLoopbackPort()
        let script = CLIProcess.root.appendingPathComponent("Tests/fixtures/naive_target.py").path
        let pidFile = "\(directory)/service.pid", marker = "\(directory)/shut-down"
        // The naive service, with a shutdown that takes three seconds (the harness
        // waits five).
        let wrapper = "\(directory)/graceful_target.py"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            import os, runpy, signal, sys, time
            def shut_down(*_):
                time.sleep(3)
                open("\(marker)", "w").write("done")
                os._exit(0)
            signal.signal(signal.SIGTERM, shut_down)
            open("\(pidFile)", "w").write(str(os.getpid()))
            runpy.run_path("\(script)", run_name="__main__")
            """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        let long = try scenario("long", """
            name: long-external
            duration: 10m
            time_scale: 1
            target:
              command: python3 \(wrapper)
              env: { PORT: "\(port)" }
              ready: http://127.0.0.1:\(port)/health
              request: { method: POST, url: "http://127.0.0.1:\(port)/query", body: '{"question": "{{question}}"}' }
            load: { arrival: { rate: 2/s } }
            """)
        let run = try CLIProcess(["run", long, "--results", "\(directory)/results", "--quiet"])
        var service: Int32?
        for _ in 0..<300 where service == nil {
            try await Task.sleep(for: .milliseconds(50))
            service = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0) }
        }
        let pid = try #require(service, "the service never started")
        // Until it answers, the harness is still starting it; interrupt a running run.
        for _ in 0..<300 where (try? await CLIProcess.curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health"])) != "200" {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(500))
        run.signal(SIGINT)
        if interrupts == 2 {
            // Apart, or the two would merge into one pending signal; well inside the
            // service's three seconds of shutting down.
            try await Task.sleep(for: .milliseconds(300))
            run.signal(SIGINT)
        }
        let status = await run.status()
        #expect(status == (interrupts == 1 ? 1 : 130), "one Ctrl-C stores the run as aborted; two quit at once")
        // Within a second: less than what is left of its own shutdown after a second Ctrl-C.
        for _ in 0..<50 where kill(pid, 0) == 0 && !Self.isZombie(pid) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(kill(pid, 0) != 0 || Self.isZombie(pid), "the service outlived the harness")
        if interrupts == 1 {
            #expect(FileManager.default.fileExists(atPath: marker), "the service was not given time to shut down")
        }
    }

    /// A service left running on the port would answer the readiness probe and
    /// take the load, while the new one fails to bind: refused before it starts.
    @Test func aPortAlreadyAnsweringBeforeTheServiceStartsIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stale = try ScriptedServer { connection, _ in
            while connection.readRequest() != nil { connection.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok") }
        }
        let started = "\(directory)/started"
        let clash = try scenario("clash", """
            name: port-clash
            duration: 30s
            time_scale: 30
            target:
              command: touch \(started)
              ready: \(stale.url)/health
              request: { url: "\(stale.url)/query", body: '{"question": "{{question}}"}' }
            """)
        let result = try await CLIProcess.run(["run", clash, "--results", "\(directory)/results", "--quiet"])
        #expect(result.status == 3)
        #expect(result.out.contains("\(stale.url)/health answers before 'touch \(started)' has started"), "\(result.out)")
        #expect(!FileManager.default.fileExists(atPath: started), "the command was not run")
    }

    static func isZombie(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    /// A Python service with no backoff, started by the harness as an external
    /// target: the backoff verdict must fail and say why. At time scale 1, because
    /// its retries come back to back, a few real milliseconds apart: compressed,
    /// that noise would read as a spread of waits.
    @Test func aNaiveExternalTargetFailsBackoff() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = ExternalTool.freeLoopbackPort()
        let script = CLIProcess.root.appendingPathComponent("Tests/fixtures/naive_target.py").path
        let naive = try scenario("naive", """
            name: naive-external
            seed: 5
            duration: 15s
            time_scale: 1
            target:
              command: python3 \(script)
              env: { PORT: "\(port)" }
              ready: http://127.0.0.1:\(port)/health
              request: { method: POST, url: "http://127.0.0.1:\(port)/query", body: '{"question": "{{question}}"}' }
              served_by: { json: $.served_by }
              degraded: { json: $.degraded }
              sql: { json: $.sql }
            load: { arrival: { rate: 5/s } }
            faults:
              - { name: storm, at: 3s, for: 10s, match: { model: claude-opus-4-7 }, inject: { overloaded: {} }, probability: 0.6 }
            expect:
              - backoff: { jitter: true, max_attempts: 3 }
              - fallback: { from: claude-opus-4-7, to: claude-sonnet-4-6, during: storm, min_share: 0.5 }
              - silent_wrong_answers: 0
              - alert: { name: UpstreamFailing, of: storm, fires_within: 10s }
              - no_alert: { name: UpstreamFailing, during: [0s, 3s] }
              - no_alert: { name: UpstreamFailing, during: storm }
            """)
        let result = try await CLIProcess.run(["run", naive, "--results", "\(directory)/results", "--quiet", "--starved-reruns", "0"])
        #expect(result.status == 1, "\(result.out)\(result.err)")
        #expect(result.out.contains("FAIL naive-external · backoff"))
        #expect(result.out.contains("synchronised"), "\(result.out)")
        #expect(result.out.contains("waits do not grow"), "\(result.out)")
        #expect(result.out.contains("FAIL naive-external · fallback"))
        #expect(!result.out.contains("FAIL naive-external · silent_wrong_answers"), "its answers are graded, and right")
        // Its pages came in through LLMCHAOS_ALERT_WEBHOOK: they fired in the storm
        // (so the no_alert for the storm fails) and not before it.
        #expect(!result.out.contains("FAIL naive-external · alert"), "\(result.out)")
        #expect(result.out.contains("FAIL naive-external · no_alert"))
        #expect(result.out.contains("UpstreamFailing"))
        #expect(!result.out.contains("no UpstreamFailing fires during [0s, 3s]"), "only the storm's no_alert fails: \(result.out)")
    }

    /// The built-in pipeline with one knob turned wrong: without jitter, every
    /// request's first retry waits exactly the same, and `backoff` must say so;
    /// with the knob right, the same scenario passes.
    @Test func theBuiltinPipelineWithoutJitterFailsBackoff() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func storm(jitter: String) -> String {
            """
            name: storm-jitter-\(jitter)
            seed: 9
            duration: 1m
            time_scale: 10
            pipeline: { retry: { max_attempts: 3, base: 2s, jitter: \(jitter) } }
            load: { arrival: { rate: 1/s } }
            faults:
              - { name: storm, at: 10s, for: 40s, match: { model: claude-opus-4-7, attempts: [1] }, inject: { overloaded: {} } }
            expect:
              - backoff: { jitter: true, max_attempts: 3 }
            """
        }
        let wrong = try await CLIProcess.run(["run", try scenario("none", storm(jitter: "none")), "--results", "\(directory)/results", "--quiet", "--starved-reruns", "0"])
        #expect(wrong.status == 1, "\(wrong.out)\(wrong.err)")
        #expect(wrong.out.contains("FAIL storm-jitter-none · backoff"))
        #expect(wrong.out.contains("retries are synchronised"), "\(wrong.out)")
        // The configured 2 s, plus what the loaded machine adds at time scale 10 (0.1 s
        // of scenario time is 10 ms of real time).
        #expect(wrong.out.contains(try Regex(#"all wait about 2\.[0-2]\d*s"#)), "\(wrong.out)")
        let right = try await CLIProcess.run(["run", try scenario("full", storm(jitter: "full")), "--results", "\(directory)/results", "--quiet"])
        #expect(right.status == 0, "\(right.out)\(right.err)")
    }

    /// A shared machine's host taking its cores, played by stopping the process
    /// (SIGSTOP) for 150 ms in every 250 until it exits: at time_scale 60 each
    /// stall is 9 s in every latency through it, so the SLO fails, and the harness
    /// must say the machine was short of CPU and run the scenario again. Stalled
    /// the same way, the second attempt fails too, and that one counts.
    @Test(arguments: [1, 0])
    func aScenarioThatFailsWhileTheHarnessStallsIsRunAgain(reruns: Int) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let results = "\(directory)/results"
        let cli = try CLIProcess(["run", try stalledScenario(), "--results", results, "--junit", "\(directory)/junit.xml", "--starved-reruns", String(reruns)])
        let status = await Self.stalling(cli)
        #expect(status == 1, "\(cli.stdout)\(cli.stderr)")
        #expect(cli.stderr.contains("⚠️ the harness was short of CPU"), "\(cli.stderr)")
        let junit = try String(contentsOfFile: "\(directory)/junit.xml", encoding: .utf8)
        if reruns == 0 {
            #expect(!cli.stdout.contains("RERUN"), "\(cli.stdout)")
            #expect(!junit.contains("name=\"attempt\""))
            return
        }
        #expect(cli.stderr.contains("↻ stalled: it failed while the harness was short of CPU; running it again (attempt 2"), "\(cli.stderr)")
        let rerun = try #require(cli.stdout.split(separator: "\n").first { $0.hasPrefix("RERUN stalled: ") }, "\(cli.stdout)")
        #expect(rerun.hasPrefix("RERUN stalled: attempt 2 counts: attempt 1 failed while the harness was short of CPU and was set aside ("))
        #expect(rerun.hasSuffix("/stalled failed slo)"))
        #expect(cli.stdout.contains("failed: 0/1 expectations held in 1 scenarios"), "only the last attempt counts: \(cli.stdout)")
        #expect(junit.contains("<property name=\"attempt\" value=\"2\"/>"))
        // Both attempts are stored; the one set aside is read by its own id.
        let listed = try await CLIProcess.run(["report", "--results", results])
        #expect(listed.out.contains("0/1 held, 1 run again (short of CPU)  stalled"), "\(listed.out)")
        let invocation = try #require(listed.out.split(separator: " ").first.map(String.init))
        // Judged again, the attempt that counts still names the one set aside.
        let rejudged = try await CLIProcess.run(["report", "--results", results, invocation])
        #expect(rejudged.out.contains(rerun), "\(rejudged.out)")
        let setAside = try await CLIProcess.run(["report", "--results", results, "\(invocation)/stalled"])
        #expect(setAside.out.contains("SET ASIDE stalled: the run failed while the harness was short of CPU and was run again; a later attempt has the verdicts that count"), "\(setAside.out)")
    }

    /// Ctrl-C as the scenario is about to run again: whichever attempt the
    /// interrupt lands in, the scenario is in the reports (the attempt set aside
    /// counts when the next never ran), never dropped from them.
    @Test func anInterruptAsAScenarioRunsAgainStillReportsIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cli = try CLIProcess(["run", try stalledScenario(), "--results", "\(directory)/results"])
        let stalls = Task { await Self.stalling(cli) }
        #expect(await cli.errorLine(containing: "↻ stalled") != nil)
        cli.signal(SIGINT)
        #expect(await stalls.value == 1)
        #expect(cli.stdout.contains("expectations held in 1 scenarios"), "\(cli.stdout)")
    }

    func stalledScenario() throws -> String {
        try scenario("stalled", """
            name: stalled
            duration: 1m
            time_scale: 60
            load: { arrival: { rate: 2/s } }
            expect:
              - slo: { p99: 5s }
            """)
    }

    /// Stops the process for 150 ms in every 250 until it exits; its exit status.
    static func stalling(_ cli: CLIProcess) async -> Int32 {
        let stalls = Task {
            for _ in 0..<400 where !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                cli.signal(SIGSTOP)
                try? await Task.sleep(for: .milliseconds(150))
                cli.signal(SIGCONT)
            }
        }
        let status = await cli.status()
        stalls.cancel()
        await stalls.value
        return status
    }

    /// Ctrl-C mid-run: the scenario stops, is stored as aborted with what it
    /// recorded, the reports are still written, and the exit code says it failed.
    @Test func anInterruptedRunIsStoredAsAbortedAndReported() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let long = try scenario("long", """
            name: long
            duration: 1h
            time_scale: 10
            load: { arrival: { rate: 1/s } }
            expect:
              - silent_wrong_answers: 0
            """)
        let cli = try CLIProcess(["run", long, "--results", "\(directory)/results"])
        // Progress lines come every two seconds (not a TTY): one means requests are flowing.
        #expect(await cli.errorLine(containing: "long  ") != nil)
        cli.signal(SIGINT)
        let status = await cli.status()
        #expect(status == 1)
        #expect(cli.stdout.contains("ABORTED long: the run was aborted (interrupted) and did not complete"), "\(cli.stdout)")
        let reports = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/results").filter { $0 != "runlog.sqlite" && !$0.hasPrefix("runlog") }
        let report = try String(contentsOfFile: "\(directory)/results/\(try #require(reports.first))/summary.md", encoding: .utf8)
        #expect(report.contains("⚠️ aborted"))
        #expect(report.contains("the run was aborted (interrupted)"), "\(report)")
    }
}
