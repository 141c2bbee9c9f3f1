import ChaosCore
import Testing
import Verdicts

@Suite struct SLOExpectationTests {
    @Test func percentilesAndAvailability() throws {
        var b = LogBuilder()
        for i in 1...100 { b.request(i, at: .seconds(i), took: .milliseconds(100 * i), outcome: i <= 2 ? .error : .ok) }
        let check = try expectation("slo: { p99: 10s, p50: 5s, availability: 97% }")
        let verdict = check.judge(b.log)
        #expect(verdict.passed, "\(verdict.measured)")
        #expect(verdict.measured == "p50 5s, p99 9.9s, availability 98% (98/100)")
        let strict = try expectation("slo: { p99: 9s, availability: 99% }").judge(b.log)
        #expect(!strict.passed)
        #expect(strict.evidence.contains("p99 9.9s > 9s"))
        #expect(strict.offenders.first?.requestID == "r100")
    }

    @Test func latencyCountsFromTheScheduledStart() throws {
        var b = LogBuilder()
        b.log.requests.append(RequestRecord(index: 0, requestID: "late", scheduled: .seconds(1), started: .seconds(9), finished: .seconds(10), outcome: .ok))
        #expect(try expectation("slo: { max: 5s }").judge(b.log).measured == "max 9s")
    }

    @Test func degradedCountsAsAvailableUnlessSaidOtherwise() throws {
        var b = LogBuilder()
        b.request(1, at: .seconds(1), servedBy: "cache", outcome: .degraded)
        #expect(try expectation("slo: { availability: 100% }").judge(b.log).passed)
        #expect(try !expectation("slo: { availability: 100%, degraded_counts: false }").judge(b.log).passed)
    }
}

@Suite struct SilentWrongAnswersExpectationTests {
    @Test func countsWrongAnswersServedAsGoodOnly() throws {
        var b = LogBuilder()
        b.request(1, at: .seconds(1), grade: .right)
        b.request(2, at: .seconds(2), grade: .wrong)
        b.request(3, at: .seconds(3), servedBy: "cache", outcome: .degraded, grade: .wrong)
        let verdict = try expectation("silent_wrong_answers: 0").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.measured == "1 wrong answers served as good (of 2 graded)")
        #expect(verdict.offenders.map(\.requestID) == ["r2"])
        #expect(try expectation("silent_wrong_answers: { max: 1 }").judge(b.log).passed)
    }

    @Test func nothingGradedProvesNothing() throws {
        var b = LogBuilder()
        b.request(1, at: .seconds(1), grade: .unknown)
        #expect(try !expectation("silent_wrong_answers: 0").judge(b.log).passed)
    }

    @Test func withoutSQLTheMockMarkOfADegradedAnswerGrades() throws {
        var b = LogBuilder()
        b.request(1, at: .seconds(1), grade: .unknown)
        b.request(2, at: .seconds(2), grade: .unknown)
        b.attempt("r1", 1, at: .seconds(1))
        b.attempt("r2", 1, at: .seconds(2), quality: "wrong_filter")
        let verdict = try expectation("silent_wrong_answers: 0").judge(b.log)
        #expect(verdict.measured == "1 wrong answers served as good (of 2 graded)")
    }
}

@Suite struct RetryBudgetAndCostTests {
    @Test func attemptsPerRequest() throws {
        var b = LogBuilder()
        for i in 0..<10 { b.request(i, at: .seconds(i)); b.attempt("r\(i)", 1, at: .seconds(i)) }
        for i in 0..<6 { b.attempt("r\(i)", 2, at: .seconds(Double(i) + 0.5)) }
        #expect(try expectation("retry_budget: { max_ratio: 1.6 }").judge(b.log).passed)
        let verdict = try expectation("retry_budget: 1.5").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.measured.hasPrefix("1.60 upstream attempts per request"))
    }

    @Test func costPerRequestAndTotal() throws {
        var b = LogBuilder()
        for i in 0..<4 { b.request(i, at: .seconds(i), cost: 0.01 * Double(i + 1)) }
        #expect(try expectation("cost: { per_request: $0.03, total: $0.1 }").judge(b.log).passed)
        let verdict = try expectation("cost: { per_request: $0.02 }").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.offenders.first?.requestID == "r3")
    }
}

@Suite struct QualityMonitorAndBreakerTests {
    @Test func theMonitorMustFlagInTime() throws {
        var b = LogBuilder()
        b.fault("drift", from: .seconds(60), to: .seconds(300))
        b.log.quality = [
            QualityRecord(at: .seconds(70), requestID: "a", model: "m", score: 1, method: "execution", rollingScore: 1),
            QualityRecord(at: .seconds(100), requestID: "b", model: "m", score: 0, method: "execution", rollingScore: 0.5),
        ]
        #expect(try expectation("quality_monitor: { detects: drift, within: 1m }").judge(b.log).passed)
        #expect(try !expectation("quality_monitor: { detects: drift, within: 30s }").judge(b.log).passed)
        #expect(try !expectation("quality_monitor: { detects: drift, samples: 1 }").judge(b.log).passed)
        b.log.quality.removeLast()
        #expect(try expectation("quality_monitor: { detects: drift, within: 1m }").judge(b.log).measured.contains("never flagged"))
    }

    @Test func callsMustStopThenProbe() throws {
        let check = try expectation("circuit_breaker: { model: claude-opus-4-7, during: down, stops_within: 30s, max_calls_per_minute: 4, recovers_within: 1m }")
        var b = LogBuilder()
        b.fault("down", from: .seconds(60), to: .seconds(180))
        for t in stride(from: 60, to: 90, by: 2) { b.attempt("r\(t)", 1, at: .seconds(t), status: 503) }
        b.attempt("probe1", 1, at: .seconds(120), status: 503)
        b.attempt("probe2", 1, at: .seconds(150), status: 503)
        b.attempt("after", 1, at: .seconds(200))
        #expect(check.judge(b.log).passed, "\(check.judge(b.log).measured)")
        // Hammering on: a call every 2 s all through the outage.
        for t in stride(from: 90, to: 180, by: 2) { b.attempt("h\(t)", 1, at: .seconds(t), status: 503) }
        let verdict = check.judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("calls/min after 30s"))
    }
}

@Suite struct ExpectationRegistryTests {
    @Test func everyKindReadsAnExampleAndHasOneFile() throws {
        let examples = [
            "fallback: { from: a, to: b, during: f }", "backoff: {}", "retry_budget: 2", "alert: { name: A, of: f, fires_within: 1m }",
            "no_alert: {}", "quality_monitor: { detects: f, within: 1m }", "silent_wrong_answers: 0",
            "circuit_breaker: { model: a, during: f }", "slo: { p99: 1s }", "cost: { total: $1 }",
            "rollback: { variant: v2, of: f, within: 1m }",
        ]
        #expect(examples.map { String($0.prefix { $0 != ":" }) } == ExpectationRegistry.kinds)
        for example in examples { _ = try expectation(example) }
    }

    @Test func mistakesAreNamedWithTheirLine() {
        #expect(problems("sloo: { p99: 1s }") == ["test.yaml:1: unknown expectation 'sloo'; did you mean 'slo'?"])
        #expect(problems("slo: { p99: fast }").first?.contains("p99: duration 'fast'") == true)
        #expect(problems("slo: {}") == ["test.yaml:1: slo needs a latency bound (p50, p90, p95, p99, max) or an availability"])
        #expect(problems("fallback: { from: a, to: b, min_shar: 0.5 }").first?.contains("did you mean 'min_share'") == true)
        #expect(problems("no_alert: { during: [2m, 1m] }").first?.contains("ends (1m) before it starts (2m)") == true)
    }
}

@Suite struct RollbackExpectationTests {
    /// v1 traffic every 5 s; v2 (the canary) every 20 s from 1m until `lastV2`.
    func log(lastV2: Int?) -> RunLog {
        var b = LogBuilder(duration: .seconds(600))
        b.fault("bad-v2", from: .seconds(60), to: .seconds(600))
        for t in stride(from: 0, to: 600, by: 5) {
            b.request(t, at: .seconds(t))
            b.log.requests[b.log.requests.count - 1].variant = "v1"
        }
        if let lastV2 {
            for t in stride(from: 61, through: lastV2, by: 20) {
                b.request(10_000 + t, at: .seconds(t))
                b.log.requests[b.log.requests.count - 1].variant = "v2"
            }
        }
        return b.log
    }

    @Test func passesWhenTheVariantStopsInTime() throws {
        let check = try expectation("rollback: { variant: v2, of: bad-v2, within: 2m }")
        let verdict = check.judge(log(lastV2: 141))
        #expect(verdict.passed, "\(verdict.measured)")
        #expect(verdict.measured == "v2 last answered 1m21s after bad-v2 began")
    }

    @Test func failsWithTheLateRequestsWhenItStaysOn() throws {
        let check = try expectation("rollback: { variant: v2, of: bad-v2, within: 2m }")
        let verdict = check.judge(log(lastV2: 401))
        #expect(!verdict.passed)
        // 181 s is the first past 60 + 120 s; 401 is the last.
        #expect(verdict.offenders.first?.requestID == "r10181")
        #expect(verdict.measured.contains("still answered 12 requests later than 2m"))
    }

    @Test func aCanaryThatNeverWentOutIsNotARollback() throws {
        let check = try expectation("rollback: { variant: v2, of: bad-v2, within: 2m }")
        let verdict = check.judge(log(lastV2: nil))
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("never went out"))
        #expect(verdict.measured.contains("variants seen: v1"))
    }

    @Test func aRunThatEndsBeforeTheDeadlineCannotShowIt() throws {
        let check = try expectation("rollback: { variant: v2, of: bad-v2, within: 10m }")
        let verdict = check.judge(log(lastV2: 141))
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("cannot show"))
    }
}
