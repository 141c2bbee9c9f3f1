/// A hash that is the same in every process, on every machine, forever.
///
/// Swift's `Hasher` is seeded per process, so it cannot decide faults that must
/// replay identically. This is FNV-1a over the UTF-8 bytes of each part, with a
/// separator between parts, finished by the SplitMix64 mixer so nearby inputs
/// land far apart.
public enum StableHash {
    /// Hashes the parts in order; `("ab", "c")` and `("a", "bc")` differ.
    public static func hash(_ parts: [String]) -> UInt64 {
        var h = offsetBasis
        for part in parts { h = adding(part, to: h) }
        return mix(h)
    }

    // Two, three and four parts without the array a variadic call makes: these
    // run on every request (its id, its answer's seed, each fault's draw).
    public static func hash(_ a: String, _ b: String) -> UInt64 { mix(adding(b, to: adding(a, to: offsetBasis))) }
    public static func hash(_ a: String, _ b: String, _ c: String) -> UInt64 {
        mix(adding(c, to: adding(b, to: adding(a, to: offsetBasis))))
    }
    public static func hash(_ a: String, _ b: String, _ c: String, _ d: String) -> UInt64 {
        mix(adding(d, to: adding(c, to: adding(b, to: adding(a, to: offsetBasis)))))
    }

    /// One part and its separator folded into `h`.
    private static func adding(_ part: String, to h: UInt64) -> UInt64 {
        var part = part
        // Contiguous UTF-8 always, once made native: read through a pointer.
        var h = part.withUTF8 { fnv1a($0, from: h) }
        h ^= 0xff
        h &*= 0x0000_0100_0000_01b3
        return h
    }

    /// FNV-1a's starting value.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a over `bytes`, from `h`. Through a pointer, not an iterator, which
    /// a debug build runs several times slower: a prompt may carry megabytes of
    /// base64, hashed whole.
    public static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, from h: UInt64) -> UInt64 {
        var h = h
        guard var byte = bytes.baseAddress else { return h }
        let end = byte + bytes.count
        while byte < end {
            h ^= UInt64(byte.pointee)
            h &*= 0x0000_0100_0000_01b3
            byte += 1
        }
        return h
    }

    /// Hashes the parts in order.
    public static func hash(_ parts: String...) -> UInt64 { hash(parts) }

    /// The SplitMix64 finaliser.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Maps a hash onto [0, 1) with 53 bits of precision.
    @inlinable
    public static func unitInterval(_ value: UInt64) -> Double {
        Double(value >> 11) * 0x1.0p-53
    }
}

/// A deterministic random number generator (SplitMix64), for sampling that must
/// replay: latency draws, which delta a stream breaks at, generated text.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    /// A generator seeded from the stable hash of `parts`.
    public init(_ parts: String...) { self.state = StableHash.hash(parts) }

    public mutating func next() -> UInt64 {
        let current = state
        state &+= 0x9e37_79b9_7f4a_7c15
        return StableHash.mix(current)
    }

    /// A double in [0, 1).
    public mutating func unit() -> Double { StableHash.unitInterval(next()) }
}
