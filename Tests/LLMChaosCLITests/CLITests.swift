import Foundation
import TestSupport
import Testing

@Suite("llmchaos command line", .timeLimit(.minutes(1)))
struct CLITests {
    @Test func validateAcceptsTheShippedSuite() async throws {
        let result = try await CLIProcess.run(["validate", "scenarios"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("ok    scenarios/incidents/opus-overloaded.yaml"))
        #expect(result.out.split(separator: "\n").count >= 13)
    }

    @Test func validateReportsEveryProblemAsFileLineAndExits2() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).yaml")
        try "name: x\nfaults:\n  - at: 5\n    inject: { overloadd: {} }\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await CLIProcess.run(["validate", file.path])
        #expect(result.status == 2)
        #expect(result.err.contains("\(file.path):3: at: duration '5' has no unit"))
        #expect(result.err.contains("\(file.path):4: unknown fault 'overloadd'; did you mean 'overloaded'?"))
    }

    @Test func aFolderIsSearchedForScenariosButNotItsHiddenFolders() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("suite-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        for sub in ["nested", ".build/checkouts/x", ".github"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let good = "name: good\nduration: 1m\n"
        try good.write(to: folder.appendingPathComponent("nested/good.yml"), atomically: true, encoding: .utf8)
        for other in [".build/checkouts/x/ci.yaml", ".github/dependabot.yml", ".hidden.yaml"] {
            try "version: 2\n".write(to: folder.appendingPathComponent(other), atomically: true, encoding: .utf8)
        }
        let result = try await CLIProcess.run(["validate", folder.path])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("nested/good.yml"))
        #expect(result.out.split(separator: "\n").filter { $0.hasPrefix("ok") }.count == 1, "only the one visible file was read")
        #expect(result.err.isEmpty)
    }

    @Test func mockRefusesABadScenarioWithExit2() async throws {
        let result = try await CLIProcess.run(["mock", "--port", "0", "--scenario", "no/such/file.yaml"])
        #expect(result.status == 2)
        #expect(result.err.contains("no/such/file.yaml: no such file"))
    }

    @Test func mockRefusesAnAPIDateThatIsNotADayWithExit2() async throws {
        let result = try await CLIProcess.run(["mock", "--port", "0", "--api-date", "2026-13-01"])
        #expect(result.status == 2)
        #expect(result.err.contains("--api-date must be a day such as 2026-07-01, found '2026-13-01'"))
    }

    @Test func mockServesAnnouncesWindowsAndStopsCleanlyOnSIGTERM() async throws {
        let scenario = FileManager.default.temporaryDirectory.appendingPathComponent("windows-\(UUID()).yaml")
        try """
            name: windows
            time_scale: 200
            faults:
              - { name: blip, at: 2s, for: 2s, inject: { overloaded: {} } }
            """.write(to: scenario, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scenario) }
        let mock = try CLIProcess(["mock", "--port", "0", "--scenario", scenario.path])
        let listening = try #require(await mock.line(containing: "listening on http://127.0.0.1:"))
        let port = try #require(listening.split(separator: ":").last?.split(separator: " ").first.flatMap { Int($0) })
        #expect(await mock.line(containing: "1 real second is 3m20s of it; --time-scale 1 plays it in real time") != nil)
        #expect(await mock.line(containing: "▶ blip (overloaded) opens") != nil)
        #expect(await mock.line(containing: "■ blip closes") != nil)

        // A port in use is a usage error with a way out.
        let clash = try await CLIProcess.run(["mock", "--port", String(port)])
        #expect(clash.status == 2)
        #expect(clash.err.contains("port \(port) on 127.0.0.1 is in use"), "\(clash.err)")

        mock.signal(SIGTERM)
        #expect(await mock.status() == 0)
        #expect(mock.stdout.contains("llmchaos mock stopped"))
    }
}

extension CLITests {
    @Test func theOpenFileLimitIsRaisedToTheHardLimit() async throws {
        var own = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &own)
        try #require(own.rlim_max > 256, "the hard limit leaves nothing to raise")
        let mock = try CLIProcess(["mock", "--port", "0", "--quiet"], softOpenFileLimit: 256)
        _ = try #require(await mock.line(containing: "listening on "))
        let limits = try String(contentsOfFile: "/proc/\(mock.pid)/limits", encoding: .utf8)
        mock.signal(SIGTERM)
        _ = await mock.status()
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let numbers = line.split(separator: " ").compactMap { UInt64($0) }
        #expect(numbers.count == 2 && numbers[0] == numbers[1] && numbers[0] > 256, "\(line)")
    }

    @Test func ctrlCDoesNotWaitForARequestHeldByATimeoutFault() async throws {
        let mock = try CLIProcess(["mock", "--port", "0", "--quiet"])
        let listening = try #require(await mock.line(containing: "listening on "))
        let base = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let add = try await CLIProcess.curl(["-s", "-X", "POST", "\(base)/_chaos/faults", "-d", #"{"name":"hang","inject":{"timeout":{"cap":"1h"}}}"#])
        #expect(add.contains("hang"))
        let hanging = try ExternalTool.start("curl", ["-s", "-m", "30", "\(base)/v1/messages", "-H", "x-api-key: k",
            "-d", #"{"model":"claude-opus-4-7","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#])
        // Wait until the mock holds the request (each look is a round trip; bounded).
        var held = false
        for _ in 0..<500 where !held {
            held = try await CLIProcess.curl(["-s", "\(base)/_chaos/health"]).contains(#""in_flight":1"#)
        }
        #expect(held, "the hanging request never reached the mock")
        let started = ContinuousClock.now
        mock.signal(SIGINT)
        #expect(await mock.status() == 0)
        #expect(ContinuousClock.now - started < .seconds(15))
        hanging.terminate()
    }
}

extension CLITests {
    @Test(arguments: [["mock", "--port", "abc"], ["nosuch"], ["pipeline", "serve", "--upstream", "http://10.0.0.1:1"], ["mock", "--time-scale", "0"]])
    func usageErrorsExit2WithAMessage(arguments: [String]) async throws {
        let result = try await CLIProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.err.contains("Error:") || result.err.contains("error:"), "\(result.err)")
    }

    @Test func pipelineServeNeedsAnUpstreamAndSaysWhereItCanComeFrom() async throws {
        let result = try await CLIProcess.run(["pipeline", "serve", "--port", "0"], environment: ["ANTHROPIC_BASE_URL": nil])
        #expect(result.status == 2)
        #expect(result.err.contains("--upstream http://127.0.0.1:8787"))
        #expect(result.err.contains("or set ANTHROPIC_BASE_URL"))
        let remote = try await CLIProcess.run(["pipeline", "serve", "--port", "0"], environment: ["ANTHROPIC_BASE_URL": "http://10.0.0.1:1"])
        #expect(remote.status == 2)
        #expect(remote.err.contains("ANTHROPIC_BASE_URL 10.0.0.1 is not on this machine"))
    }

    /// A report that cannot be written stops the suite before it starts, naming the flag.
    @Test(arguments: [(["--junit", "/proc/junit.xml"], "--junit /proc: cannot write in that folder"),
                      (["--junit", "/tmp"], "--junit /tmp is a folder"),
                      (["--results", "/proc/llmchaos"], "--results /proc/llmchaos: cannot create that folder")])
    func anOutputThatCannotBeWrittenIsAUsageErrorBeforeAnythingRuns(flags: [String], message: String) async throws {
        let result = try await CLIProcess.run(["run", "scenarios/calm-baseline.yaml", "--quiet"] + flags)
        #expect(result.status == 2)
        #expect(result.err.contains(message), "\(result.err)")
        #expect(!result.out.contains("expectations held"), "nothing ran")
    }

    @Test func helpExits0() async throws {
        let result = try await CLIProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.out.contains("pipeline"))
    }
}

extension CLITests {
    /// The README's pipeline walkthrough, as a user runs it: two processes, loopback only.
    @Test func pipelineServeAnswersThroughTheMockAndItsKillSwitchWorks() async throws {
        let mock = try CLIProcess(["mock", "--port", "0", "--quiet"])
        let mockLine = try #require(await mock.line(containing: "listening on "))
        let mockURL = try #require(mockLine.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        // The upstream as every Anthropic SDK takes it, from ANTHROPIC_BASE_URL.
        let pipeline = try CLIProcess(["pipeline", "serve", "--port", "0", "--log"], environment: ["ANTHROPIC_BASE_URL": mockURL])
        let pipelineLine = try #require(await pipeline.line(containing: "llmchaos pipeline listening on "))
        let base = try #require(pipelineLine.split(separator: " ").first { $0.hasPrefix("http://") }.map { String($0.dropLast($0.hasSuffix(",") ? 1 : 0)) })

        let answer = try await CLIProcess.curl(["-s", "-i", "\(base)/query", "-H", "x-llmchaos-request: cli-1",
                                               "-d", #"{"question": "What is the total revenue by region?", "tenant": "acme"}"#])
        #expect(answer.contains("x-served-by: claude-opus-4-7"), "\(answer)")
        #expect(answer.contains(#""request_id":"cli-1""#))
        let journal = try await CLIProcess.curl(["-s", "\(mockURL)/_chaos/journal"])
        #expect(journal.contains(#""request_id":"cli-1""#), "the request id must reach the mock")

        _ = try await CLIProcess.curl(["-s", "\(base)/admin/flags", "-d", #"{"disable_model": "claude-opus-4-7"}"#])
        let fallback = try await CLIProcess.curl(["-s", "-i", "\(base)/query", "-d", #"{"question": "How many regions do we operate in?"}"#])
        #expect(fallback.contains("x-served-by: claude-sonnet-4-6"), "\(fallback)")

        pipeline.signal(SIGTERM)
        mock.signal(SIGTERM)
        #expect(await pipeline.status() == 0)
        #expect(await mock.status() == 0)
        #expect(pipeline.stderr.contains(#""kind":"answer""#), "--log writes one JSON line per answer")
    }
}

extension CLITests {
    @Test func mockRefusesASizeItCannotReadWithExit2() async throws {
        let result = try await CLIProcess.run(["mock", "--port", "0", "--file-storage", "lots"])
        #expect(result.status == 2)
        #expect(result.err.contains("--file-storage must be a size such as 500MB, 2GB or 1048576 (bytes), found 'lots'"), "\(result.err)")
    }

    /// An incident of uploads refused for a full store, on a laptop: the limits
    /// are flags, in the API's decimal units.
    @Test func mockTakesFileLimitsFromItsFlags() async throws {
        let mock = try CLIProcess(["mock", "--port", "0", "--quiet", "--max-file-size", "0.05kB", "--file-storage", "100B"])
        let listening = try #require(await mock.line(containing: "listening on "))
        let base = try #require(listening.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("llmchaos-upload-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: file) }
        func upload(_ size: Int) async throws -> String {
            try Data(repeating: 7, count: size).write(to: file)
            return try await CLIProcess.curl(["-s", "-X", "POST", "\(base)/v1/files", "-H", "x-api-key: k", "-F", "file=@\(file.path)"])
        }
        #expect(try await upload(51).contains("request_too_large"), "over 50 bytes")
        #expect(try await upload(50).contains(#""size_bytes":50"#))
        #expect(try await upload(50).contains(#""size_bytes":50"#))
        #expect(try await upload(1).contains("storage_quota_exceeded"), "100 bytes stored already")
        mock.signal(SIGTERM)
        #expect(await mock.status() == 0)
    }
}
