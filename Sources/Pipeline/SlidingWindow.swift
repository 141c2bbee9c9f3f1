import ChaosCore

/// Samples of one alert series in scenario-time order, read over a trailing window.
///
/// Alerts are evaluated after every answer; at a few hundred answers per real
/// second, filtering and copying every series on each evaluation made the alert
/// engine a tenth of the harness's CPU. Samples arrive almost in order, so keeping
/// them sorted is an append, and a window is a binary search plus a loop.
struct SlidingWindow: Sendable {
    private(set) var times: [Duration] = []
    private(set) var values: [Double] = []
    /// Samples before `head` have left every window.
    private var head = 0

    var isEmpty: Bool { head == times.count }

    mutating func append(_ value: Double, at time: Duration) {
        var index = times.count
        while index > head, times[index - 1] > time { index -= 1 }
        times.insert(time, at: index)
        values.insert(value, at: index)
    }

    /// Drops samples at or before `cutoff`, compacting once half the storage is dead.
    mutating func trim(through cutoff: Duration) {
        head = firstIndex(after: cutoff)
        if head > 256, head * 2 > times.count {
            times.removeFirst(head); values.removeFirst(head); head = 0
        }
    }

    /// Indices of the samples in `(from, through]`.
    func range(after from: Duration, through now: Duration) -> Range<Int> {
        firstIndex(after: from)..<firstIndex(after: now)
    }

    func mean(of range: Range<Int>) -> Double {
        guard !range.isEmpty else { return 0 }
        var sum = 0.0
        for index in range { sum += values[index] }
        return sum / Double(range.count)
    }

    /// Nearest-rank percentile of the values in `range`. A high percentile is one of
    /// the few largest values, so only those are kept, not the whole window sorted.
    func percentile(_ p: Double, of range: Range<Int>) -> Double {
        guard !range.isEmpty else { return 0 }
        let rank = min(range.count, max(1, Int((Double(range.count) * p / 100).rounded(.up))))
        let keep = range.count - rank + 1
        var largest: [Double] = []   // ascending; the answer is its first once full
        largest.reserveCapacity(keep + 1)
        for index in range {
            let value = values[index]
            if largest.count == keep {
                guard value > largest[0] else { continue }
                largest.removeFirst()
            }
            var at = largest.count
            while at > 0, largest[at - 1] > value { at -= 1 }
            largest.insert(value, at: at)
        }
        return largest[0]
    }

    /// The first index at or after `head` whose time is later than `time`.
    private func firstIndex(after time: Duration) -> Int {
        var low = head, high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
