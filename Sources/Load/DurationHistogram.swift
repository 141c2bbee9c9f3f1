import Histogram

/// Durations in a fixed-size HdrHistogram: microseconds, three significant digits,
/// up to a day (longer ones count as a day, negative ones as zero). Memory stays
/// the same however long the run.
public struct DurationHistogram {
    private var histogram = Histogram<UInt64>(highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: .three)

    public init() {}

    public mutating func record(_ duration: Duration) {
        let micros = UInt64(Swift.max(0, duration.seconds * 1e6))
        _ = histogram.record(Swift.min(micros, histogram.highestTrackableValue))
    }

    public var count: Int { Int(histogram.totalCount) }

    /// The value at `percentile` (0–100), to the histogram's precision; zero when empty.
    public func value(atPercentile percentile: Double) -> Duration {
        .microseconds(Int64(histogram.valueAtPercentile(percentile)))
    }

    public var max: Duration { .microseconds(Int64(histogram.max)) }
}
