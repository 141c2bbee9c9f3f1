import ChaosCore
import Testing
import Verdicts

@Suite struct BackoffExpectationTests {
    /// Twenty requests, each failing twice with 529 then succeeding; waits drawn
    /// like full jitter with a 1 s base (retry 1 in [0, 1s], retry 2 in [0, 2s]).
    func jitteredLog(firstWait: (Int) -> Duration = { .milliseconds(100 + 40 * $0) }, secondWait: (Int) -> Duration = { .milliseconds(900 + 50 * $0) }) -> RunLog {
        var b = LogBuilder()
        for i in 0..<20 {
            let id = "r\(i)"
            let start = Duration.seconds(10 * i)
            let latency = Duration.milliseconds(100)
            b.attempt(id, 1, at: start, status: 529, latency: latency)
            let second = start + latency + firstWait(i)
            b.attempt(id, 2, at: second, status: 529, latency: latency)
            b.attempt(id, 3, at: second + latency + secondWait(i))
        }
        return b.log
    }

    @Test func growingJitteredWaitsPass() throws {
        let verdict = try expectation("backoff: { jitter: true, max_attempts: 3 }").judge(jitteredLog())
        #expect(verdict.passed, "\(verdict.measured) \(verdict.evidence)")
    }

    @Test func synchronisedRetriesFailJitter() throws {
        let log = jitteredLog(firstWait: { _ in .milliseconds(500) })
        let verdict = try expectation("backoff: { jitter: true }").judge(log)
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("synchronised"))
    }

    @Test func waitsThatShrinkFailGrowth() throws {
        let log = jitteredLog(firstWait: { .milliseconds(900 + 40 * $0) }, secondWait: { .milliseconds(100 + 10 * $0) })
        let verdict = try expectation("backoff: { jitter: false }").judge(log)
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("do not grow"))
    }

    @Test func tooManyAttemptsFail() throws {
        let verdict = try expectation("backoff: { max_attempts: 2, jitter: false, growth: false }").judge(jitteredLog())
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("20 requests made more than 2 attempts"))
        #expect(verdict.offenders.first?.requestID == "r0")
    }

    @Test func retryingEarlierThanRetryAfterFails() throws {
        var b = LogBuilder()
        b.attempt("a", 1, at: .zero, status: 429, latency: .milliseconds(10), retryAfter: .seconds(5))
        b.attempt("a", 2, at: .seconds(6))
        b.attempt("b", 1, at: .seconds(10), status: 429, latency: .milliseconds(10), retryAfter: .seconds(5))
        b.attempt("b", 2, at: .seconds(11))
        let verdict = try expectation("backoff: { jitter: false, growth: false }").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.offenders.map(\.requestID) == ["b"])
        #expect(verdict.offenders[0].reason.contains("retry-after was 5s"))
    }

    @Test func retryingAPermanentErrorFails() throws {
        var b = LogBuilder()
        b.attempt("a", 1, at: .zero, status: 400)
        b.attempt("a", 2, at: .seconds(1), status: 400)
        let verdict = try expectation("backoff: { jitter: false, growth: false }").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("permanent 400"))
    }

    @Test func noRetriesAtAllProveNothing() throws {
        var b = LogBuilder()
        b.attempt("a", 1, at: .zero)
        #expect(!(try expectation("backoff: {}").judge(b.log).passed))
    }

    @Test func attemptsAtDifferentModelsAreSeparateChains() throws {
        var b = LogBuilder()
        b.attempt("a", 1, at: .zero, model: "claude-opus-4-7", status: 529)
        b.attempt("a", 2, at: .seconds(1), model: "claude-sonnet-4-5")
        // One attempt per model: nothing was retried.
        #expect(try expectation("backoff: {}").judge(b.log).measured.contains("no request was retried"))
    }

    /// Attempts arrive in the journal in any order and interleaved across
    /// requests; each request's chain is still its own attempts in time order.
    @Test func chainsAreEachRequestsAttemptsInTimeOrderWhateverTheRecordingOrder() throws {
        var b = LogBuilder()
        b.attempt("a", 3, at: .seconds(3))
        b.attempt("b", 2, at: .milliseconds(2_500))
        b.attempt("a", 1, at: .zero, status: 529)
        b.attempt("b", 1, at: .milliseconds(500), status: 400)
        b.attempt("a", 2, at: .seconds(1), status: 529)
        b.attempt("c", 1, at: .seconds(4))
        let verdict = try expectation("backoff: { max_attempts: 2 }").judge(b.log)
        #expect(verdict.evidence.first == "3 retries in 2 of 3 requests", "\(verdict.evidence)")
        #expect(verdict.offenders.map(\.requestID) == ["a", "b"], "\(verdict.offenders)")
        #expect(verdict.offenders.first?.reason == "3 attempts at claude-opus-4-7")
        #expect(verdict.offenders.last?.reason.hasPrefix("retried after 400") == true)
        #expect(verdict.offenders.last?.at == .milliseconds(2_500), "the retry, not the refused attempt, is the offence")
    }
}
