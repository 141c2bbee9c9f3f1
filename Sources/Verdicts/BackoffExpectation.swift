import ChaosCore
import Foundation
import Scenario

/// `backoff: { jitter: true, honors_retry_after: true, max_attempts: 3, growth: true, model: claude-opus-4-7 }`
///
/// Judges the real gaps between attempts of one logical request at one model, as
/// the mock's journal saw them (a gap runs from the end of one attempt to the
/// arrival of the next):
///
/// ```
/// attempt 1 ──529──┤ gap 1 ├── attempt 2 ──529──┤  gap 2  ├── attempt 3
/// ```
/// - growth: the mean of gap 2 exceeds the mean of gap 1 by more than noise: the
///   clock's floor and one standard error of the difference (needs 5 requests of each);
/// - jitter: first gaps of different requests spread out (coefficient of variation
///   ≥ 0.1, and a spread above the clock's noise), so retries are not synchronised;
/// - `retry-after`: no retry comes earlier than the server asked;
/// - attempts per request and model ≤ `max_attempts`; a permanent 4xx is never retried.
public struct BackoffExpectation: Expectation {
    public static let kind = "backoff"
    static let permanentStatuses: Set<Int> = [400, 401, 403, 404, 413]
    static let minimumSamples = 5
    static let growthStandardErrors = 1.0

    let jitter: Bool
    let honorsRetryAfter: Bool
    let growth: Bool
    let maxAttempts: Int?
    let model: String?

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "backoff") else { return nil }
        jitter = reader.optional("jitter")?.bool(problems, what: "jitter") ?? true
        honorsRetryAfter = reader.optional("honors_retry_after")?.bool(problems, what: "honors_retry_after") ?? true
        growth = reader.optional("growth")?.bool(problems, what: "growth") ?? true
        maxAttempts = reader.optional("max_attempts")?.int(problems, what: "max_attempts", min: 1)
        model = reader.optional("model")?.string(problems, what: "model")
        reader.finish()
    }

    public var summary: String {
        var parts = ["retries back off"]
        if growth { parts.append("with growing gaps") }
        if jitter { parts.append("with jitter") }
        if honorsRetryAfter { parts.append("honouring retry-after") }
        if let maxAttempts { parts.append("at most \(maxAttempts) attempts") }
        parts.append("no retry of a permanent 4xx")
        return parts.joined(separator: ", ") + (model.map { " (\($0))" } ?? "")
    }

    /// A retry: the attempt before it, and the wait between them.
    struct Retry {
        var previous: UpstreamAttempt
        var next: UpstreamAttempt
        /// 1 for the wait before the second attempt.
        var index: Int
        var gap: Duration { next.at - (previous.at + previous.latency) }
    }

    /// Each logical request's attempts at one model, in order, the chains ordered by
    /// their first attempt. Slices of one sorted array: a million-attempt run would
    /// otherwise allocate a key string and an array per request.
    static func chains(_ attempts: [UpstreamAttempt]) -> [ArraySlice<UpstreamAttempt>] {
        struct Key: Hashable { var requestID: String; var model: String? }
        guard !attempts.isEmpty else { return [] }
        var chainOf: [Key: Int] = [:]
        chainOf.reserveCapacity(attempts.count)
        let chainIDs = attempts.map { attempt -> Int in
            let key = Key(requestID: attempt.requestID, model: attempt.model)
            if let known = chainOf[key] { return known }
            chainOf[key] = chainOf.count
            return chainOf.count - 1
        }
        let order = attempts.indices.sorted {
            (chainIDs[$0], attempts[$0].at, attempts[$0].sequence) < (chainIDs[$1], attempts[$1].at, attempts[$1].sequence)
        }
        let sorted = order.map { attempts[$0] }
        var chains: [ArraySlice<UpstreamAttempt>] = []
        chains.reserveCapacity(chainOf.count)
        var start = 0
        for end in 1...max(1, order.count) where end == order.count || chainIDs[order[end]] != chainIDs[order[start]] {
            if start < end { chains.append(sorted[start..<end]) }
            start = end
        }
        return chains.sorted { ($0.first!.at, $0.first!.sequence) < ($1.first!.at, $1.first!.sequence) }
    }

    public func judge(_ log: RunLog) -> Verdict {
        let attempts = log.messageAttempts.filter { model == nil || $0.model == model }
        let chains = Self.chains(attempts)
        var retries: [Retry] = []
        for chain in chains where chain.count > 1 {
            for (i, (previous, next)) in zip(chain, chain.dropFirst()).enumerated() {
                retries.append(Retry(previous: previous, next: next, index: i + 1))
            }
        }
        let tolerance = log.info.timeTolerance
        guard !retries.isEmpty else {
            return verdict(false, "no request was retried: nothing shows backoff (\(chains.count) requests, \(attempts.count) attempts)", tolerance: tolerance)
        }
        var failures: [String] = []
        var evidence = ["\(retries.count) retries in \(chains.filter { $0.count > 1 }.count) of \(chains.count) requests"]
        var offenders: [Offender] = []

        if let maxAttempts {
            let over = chains.filter { $0.count > maxAttempts }
            if !over.isEmpty { failures.append("\(over.count) requests made more than \(maxAttempts) attempts") }
            offenders += over.map { Offender(requestID: $0.first!.requestID, at: $0.first!.at, reason: "\($0.count) attempts at \($0.first!.model ?? "?")") }
        }
        let permanent = retries.filter { Self.permanentStatuses.contains($0.previous.status) }
        if !permanent.isEmpty { failures.append("\(permanent.count) retries after a permanent \(permanent[0].previous.status)") }
        offenders += permanent.map { Offender(requestID: $0.next.requestID, at: $0.next.at, reason: "retried after \($0.previous.status) \($0.previous.errorType ?? "")") }

        if honorsRetryAfter {
            let asked = retries.filter { $0.previous.retryAfter != nil }
            let early = asked.filter { $0.gap + tolerance < $0.previous.retryAfter! }
            evidence.append("retry-after: \(asked.count) retries followed one, \(early.count) came early")
            if !early.isEmpty { failures.append("\(early.count) retries came before the retry-after the server sent") }
            offenders += early.map { Offender(requestID: $0.next.requestID, at: $0.next.at, reason: "retried after \(Format.time($0.gap)), retry-after was \(Format.time($0.previous.retryAfter!))") }
        }
        // Gaps the server dictated say nothing about the client's own backoff.
        let free = retries.filter { $0.previous.retryAfter == nil }
        let byIndex = Dictionary(grouping: free, by: \.index).mapValues { $0.map(\.gap.seconds) }
        // Scheduling noise of a couple of real milliseconds, read on the scenario clock.
        let floor = max(0.01, 0.002 * log.info.timeScale)
        if jitter {
            let first = byIndex[1] ?? []
            if first.count < Self.minimumSamples {
                failures.append("only \(first.count) first retries without retry-after: too few to judge jitter (need \(Self.minimumSamples))")
            } else {
                let (mean, deviation) = Self.meanAndDeviation(first)
                let spread = mean > 0 ? deviation / mean : 0
                evidence.append(String(format: "jitter: first retries wait %.3fs on average, standard deviation %.3fs (coefficient %.2f; clock noise floor %.3fs)", mean, deviation, spread, floor))
                if spread < 0.1 || deviation < floor { failures.append("retries are synchronised: the first retries of \(first.count) requests all wait about \(String(format: "%.3fs", mean))") }
            }
        }
        if growth {
            let first = byIndex[1] ?? [], second = byIndex[2] ?? []
            if first.count >= Self.minimumSamples, second.count >= Self.minimumSamples {
                let (m1, s1) = Self.meanAndDeviation(first), (m2, s2) = Self.meanAndDeviation(second)
                // Waits that do not grow still differ by chance: growth must stand out
                // of both the clock's noise and the sampling error of the two means,
                // or a client with no backoff at all passes half the time.
                let standardError = (s1 * s1 / Double(first.count) + s2 * s2 / Double(second.count)).squareRoot()
                let margin = max(floor, Self.growthStandardErrors * standardError)
                evidence.append(String(format: "growth: mean wait %.3fs before retry 1 (%d), %.3fs before retry 2 (%d); must grow by more than %.3fs", m1, first.count, m2, second.count, margin))
                if m2 - m1 <= margin { failures.append(String(format: "waits do not grow: %.3fs then %.3fs, no more than noise (%.3fs)", m1, m2, margin)) }
            } else if first.count >= Self.minimumSamples {
                evidence.append("growth: not judged, only \(second.count) requests were retried twice without retry-after")
            } else {
                failures.append("only \(first.count) retries without retry-after: too few to judge growth")
            }
        }
        let measured = failures.isEmpty ? "\(retries.count) retries back off as expected" : failures.joined(separator: "; ")
        return verdict(failures.isEmpty, measured, evidence: evidence, offenders: offenders.sorted { $0.at < $1.at }, tolerance: tolerance)
    }

    static func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }
}
