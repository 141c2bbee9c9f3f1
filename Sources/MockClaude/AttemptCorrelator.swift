import AnthropicAPI
import ChaosCore
import Synchronization

/// Which logical request an HTTP request belongs to, and which attempt it is.
///
/// In order of trust:
/// 1. `x-llmchaos-request` (+ `x-llmchaos-attempt`): sent by llmchaos's own pipeline
///    and load driver — `correlation: header`;
/// 2. a fingerprint of the body with the SDKs' `x-stainless-retry-count` giving the
///    attempt — `correlation: stainless`;
/// 3. a fingerprint of the body alone: a resend of an identical body within
///    `window` is the next attempt — `correlation: fingerprint`.
/// Identical bodies are one logical request to the mock: the same question gets the
/// same weather.
public struct AttemptIdentity: Sendable, Equatable {
    public var requestID: String
    public var attempt: Int
    public var correlation: String
}

final class AttemptCorrelator: Sendable {
    private struct Seen: Sendable { var last: Duration; var attempts: Int }
    private static let shardCount = 16
    private let shards: [Locked<[UInt64: Seen]>] = (0..<16).map { _ in Locked([:]) }
    private let window: Duration

    init(window: Duration) { self.window = window }

    func identify(header: (String) -> String?, body: [UInt8], now: Duration) -> AttemptIdentity {
        let stainless = header(HeaderName.stainlessRetryCount).flatMap(Int.init).map { $0 + 1 }
        if let id = header(HeaderName.llmchaosRequest), !id.isEmpty {
            let attempt = header(HeaderName.llmchaosAttempt).flatMap(Int.init) ?? stainless ?? 1
            return AttemptIdentity(requestID: id, attempt: max(1, attempt), correlation: "header")
        }
        let fingerprint = Self.fingerprint(body)
        let id = Self.fingerprintID(fingerprint)
        if let stainless {
            return AttemptIdentity(requestID: id, attempt: max(1, stainless), correlation: "stainless")
        }
        let window = self.window
        let attempt = shards[Int(fingerprint % UInt64(Self.shardCount))].withLock { seen -> Int in
            if seen.count > 50_000 { seen = seen.filter { now - $0.value.last < window } }
            var entry = seen[fingerprint].flatMap { now - $0.last < window ? $0 : nil } ?? Seen(last: now, attempts: 0)
            entry.attempts += 1
            entry.last = now
            seen[fingerprint] = entry
            return entry.attempts
        }
        return AttemptIdentity(requestID: id, attempt: attempt, correlation: "fingerprint")
    }

    func reset() {
        for shard in shards { shard.withLock { $0.removeAll() } }
    }

    /// `"fp-"` and the fingerprint in lowercase hex, as `String(_:radix: 16)`
    /// writes it (no leading zeros), without its generic digit loop: on every request.
    static func fingerprintID(_ fingerprint: UInt64) -> String {
        let digits = max(1, (64 - fingerprint.leadingZeroBitCount + 3) / 4)
        return String(unsafeUninitializedCapacity: 3 + digits) { out in
            out[0] = UInt8(ascii: "f"); out[1] = UInt8(ascii: "p"); out[2] = UInt8(ascii: "-")
            var rest = fingerprint
            for index in stride(from: 2 + digits, through: 3, by: -1) {
                let digit = UInt8(truncatingIfNeeded: rest & 0xF)
                out[index] = digit < 10 ? 0x30 + digit : 0x57 + digit
                rest >>= 4
            }
            return 3 + digits
        }
    }

    /// FNV-1a over the bytes, mixed.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        StableHash.mix(bytes.withUnsafeBufferPointer { StableHash.fnv1a($0, from: StableHash.offsetBasis) })
    }
}
