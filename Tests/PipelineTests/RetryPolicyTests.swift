import ChaosCore
import Testing
@testable import Pipeline

@Suite struct RetryPolicyTests {
    @Test func fullJitterStaysUnderAGrowingCappedBoundAndSpreadsClientsApart() {
        let policy = RetryPolicy(maxAttempts: 6, base: .seconds(1), cap: .seconds(8), jitter: .full)
        #expect((1...5).map { policy.bound(beforeRetry: $0) } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
        for retry in 1...5 {
            let delays = (0..<500).map { i -> Duration in
                var random = SeededRandom("client", String(i), String(retry))
                return policy.delay(beforeRetry: retry, retryAfter: nil, random: &random)!
            }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= policy.bound(beforeRetry: retry) })
            #expect(Set(delays).count > 450, "clients must not retry in step")
            let mean = delays.map(\.seconds).reduce(0, +) / 500
            #expect(abs(mean - policy.bound(beforeRetry: retry).seconds / 2) < policy.bound(beforeRetry: retry).seconds * 0.08)
        }
    }

    @Test func retryAfterWinsWhenLongerAndFailsTheTierWhenTooLong() {
        let policy = RetryPolicy(base: .seconds(1), jitter: .none, maxWait: .seconds(60))
        var random = SeededRandom(seed: 1)
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(5), random: &random) == .seconds(5))
        #expect(policy.delay(beforeRetry: 3, retryAfter: .milliseconds(10), random: &random) == .seconds(4))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(61), random: &random) == nil)
    }

    @Test func permanentErrorsAreNotRetryable() {
        for status in [400, 401, 403, 404, 413] {
            #expect(!CallFailure.http(status: status, type: "x", message: "", retryAfter: nil).isRetryable)
        }
        #expect(CallFailure.http(status: 429, type: "rate_limit_error", message: "slow down", retryAfter: nil).isRetryable)
        #expect(!CallFailure.http(status: 429, type: "rate_limit_error", message: "You have reached your spend limit", retryAfter: nil).isRetryable)
        #expect(CallFailure.http(status: 529, type: "overloaded_error", message: "", retryAfter: nil).isRetryable)
        #expect(CallFailure.streamError(type: "overloaded_error", message: "").isRetryable)
    }

    @Test func theRetryBudgetCapsAmplification() {
        let budget = RetryBudget(ratio: 0.1, reserve: 2)
        #expect(budget.withdraw() && budget.withdraw())
        #expect(!budget.withdraw())
        for _ in 0..<20 { budget.recordRequest() }
        #expect(budget.withdraw() && budget.withdraw())
        #expect(!budget.withdraw())
    }

    @Test func aLongCalmCannotBankAnUnboundedNumberOfRetries() {
        let budget = RetryBudget(ratio: 0.1, reserve: 2)
        for _ in 0..<100_000 { budget.recordRequest() }
        let available = (0..<1000).filter { _ in budget.withdraw() }.count
        #expect(available == 102, "reserve + ratio × 1000")
    }

    @Test func theBreakerOpensProbesOnceAndClosesOrReopens() {
        let breaker = CircuitBreaker(model: "m", failureThreshold: 2, coolDown: .seconds(10))
        breaker.callFailed(at: .seconds(0))
        #expect(breaker.state == "closed")
        breaker.callFailed(at: .seconds(1))
        #expect(breaker.state == "open")
        #expect(!breaker.callWasRequested(at: .seconds(5)))
        #expect(breaker.callWasRequested(at: .seconds(11)))
        #expect(breaker.state == "half_open")
        #expect(!breaker.callWasRequested(at: .seconds(11)), "one probe at a time")
        breaker.callFailed(at: .seconds(12))
        #expect(breaker.state == "open")
        #expect(breaker.callWasRequested(at: .seconds(22)))
        breaker.callSucceeded()
        #expect(breaker.state == "closed")
    }
}
