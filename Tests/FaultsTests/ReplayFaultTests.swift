import ChaosCore
import Foundation
import Scenario
import Testing
@testable import Faults

/// A class, so that each test's folder goes with it (Swift Testing makes one
/// instance per test and releases it after).
@Suite final class ReplayFaultTests {
    let root = NSTemporaryDirectory() + "llmchaos-replay-\(UUID().uuidString)"
    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `trace` beside a scenario in a fresh folder; returns the scenario's path.
    func scenario(trace: String, name: String = "nov-4.csv") throws -> String {
        let folder = root + "/\(UUID().uuidString)/traces"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try trace.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        return (folder as NSString).deletingLastPathComponent + "/incident.yaml"
    }

    func plan(trace: String, at: String = "1m", seed: UInt64 = 3) throws -> FaultPlan {
        let file = try scenario(trace: trace)
        let yaml = "- { name: nov-4, at: \(at), inject: { replay: { trace: traces/nov-4.csv } } }"
        return FaultPlan(seed: seed, faults: try FaultPlan.schedule(yaml: yaml, file: file))
    }

    func problems(trace: String) -> [String] {
        do {
            let file = try scenario(trace: trace)
            _ = try FaultPlan.schedule(yaml: "- { name: nov-4, inject: { replay: { trace: traces/nov-4.csv } } }", file: file)
            return []
        } catch let error as ConfigProblems {
            return error.all.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    /// Timestamps count from the first row; counts are out of `requests`; each
    /// row holds until the next and the last as long as the one before it.
    @Test func rowsAreReadAsADashboardExportsThem() throws {
        var problems = ProblemCollector()
        let trace = try #require(IncidentTrace.parse("""
            # exported from the dashboard
            timestamp,requests,ok,529,500,timeout,p50,p99
            "2026-11-04T14:00:00Z",200,190,0,10,0,820ms,2.1s
            2026-11-04 14:01:00,100,40,50,0,10,900,900
            """, file: "t.csv", problems: problems))
        #expect(problems.isEmpty)
        #expect(trace.rows.map(\.at) == [.zero, .seconds(60)])
        #expect(trace.end == .seconds(120))
        let first = try #require(trace.row(at: .seconds(59)))
        #expect(first.errors.map(\.status) == [529, 500] && first.errors.map(\.share) == [0, 0.05])
        #expect(first.latency == .lognormal(median: .milliseconds(820), sigma: log(2.1 / 0.82) / 2.3263))
        let second = try #require(trace.row(at: .seconds(60)))
        #expect(second.errors.map(\.share) == [0.5, 0] && second.timeouts == 0.1 && second.latency == .fixed(.milliseconds(900)))
        #expect(trace.row(at: .seconds(120)) == nil, "past the end the trace is over")
        problems = ProblemCollector()
        let shares = try #require(IncidentTrace.parse("at,429\n0s,20%\n90,0.5\n", file: "t.csv", problems: problems))
        #expect(shares.rows.map(\.at) == [.zero, .seconds(90)] && shares.rows.map { $0.errors[0].share } == [0.2, 0.5])
    }

    /// Each call meets its row's weather, counted from the fault's window, in the
    /// row's shares, the same way for the same seed.
    @Test func callsMeetTheirRowsWeatherFromTheWindowsStart() throws {
        let trace = """
            at,529,500,timeout,p50
            0s,50%,0,0,0ms
            10s,0,100%,0,0ms
            20s,0,0,0,200ms
            30s,0,0,100%,0ms
            """
        let plan = try self.plan(trace: trace, at: "1m")
        func outcomes(at second: Int, attempt: Int = 1) -> [FaultEffect.Outcome?] {
            (0..<400).map { plan.decide(FaultPlanTests.request("r\($0)", attempt: attempt, at: .seconds(60 + second))).effect.outcome }
        }
        #expect(outcomes(at: -1).allSatisfy { $0 == nil }, "before the window")
        let overloaded = outcomes(at: 5).filter { $0 == .error(ReplayFault.error(529)) }.count
        #expect((160...240).contains(overloaded), "\(overloaded) of 400 at 50 %")
        #expect(outcomes(at: 5).compactMap { $0 }.allSatisfy { $0 == .error(ReplayFault.error(529)) })
        #expect(outcomes(at: 5) == outcomes(at: 5), "the same calls, the same way")
        #expect(outcomes(at: 5, attempt: 2) != outcomes(at: 5), "a retry draws again")
        #expect(outcomes(at: 15).allSatisfy { $0 == .error(ReplayFault.error(500)) })
        let slow = plan.decide(FaultPlanTests.request("r1", at: .seconds(85)))
        #expect(slow.effect.outcome == nil && slow.effect.delays.firstToken == .milliseconds(200))
        #expect(outcomes(at: 35).allSatisfy { $0 == .hang(.seconds(600)) })
        #expect(outcomes(at: 40).allSatisfy { $0 == nil } && plan.decide(FaultPlanTests.request("r1", at: .seconds(100))).names.isEmpty, "the trace is over")
        #expect(ReplayFault.error(429).retryAfter == .seconds(1) && ReplayFault.error(529).type == .overloaded)
    }

    @Test func aTraceWithMistakesNamesEachAtItsLine() throws {
        let problems = self.problems(trace: """
            at,requests,529,latency
            0s,100,20
            1m,100,120
            30s,100,0
            soon,100,0
            """)
        let file = "traces/nov-4.csv:"
        let expected = [
            (file + "1:", "unknown trace column 'latency'"),
            (file + "2:", "this row has 3 fields and the header 4"),
        ]
        for (prefix, text) in expected {
            #expect(problems.contains { $0.contains(prefix) && $0.contains(text) }, "missing \(prefix) \(text) in \(problems)")
        }
        let rows = self.problems(trace: "at,requests,529\n0s,100,20\n1m,100,10\n30s,100,0\nsoon,100,0\n2m,100,x\n3m,100,120\n")
        for (line, text) in [(4, "rows must go forward in time: 30s is not after 1m"), (5, "'soon' is not a time"),
                             (6, "529 'x' is not a count"), (7, "529 '120' is not a count between 0 and requests (100)")] {
            #expect(rows.contains { $0.contains("nov-4.csv:\(line):") && $0.contains(text) }, "missing line \(line) '\(text)' in \(rows)")
        }
        #expect(self.problems(trace: "at,529,500\n0s,60%,50%\n").contains { $0.contains("add up to 110 % of calls") })
        #expect(self.problems(trace: "requests,529\n100,3\n").contains { $0.contains("no time column") })
        #expect(self.problems(trace: "at,p99\n0s,2s\n").contains { $0.contains("a p99 column needs a p50 column") })
        #expect(self.problems(trace: "at,p50,p99\n0s,2s,1s\n").contains { $0.contains("at least as long as p50") })
        let missing = try scenario(trace: "at\n0s\n")
        #expect(throws: ConfigProblems.self) {
            try FaultPlan.schedule(yaml: "- { inject: { replay: { trace: traces/none.csv } } }", file: missing)
        }
    }
}
