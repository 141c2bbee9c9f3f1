import ChaosCore
import Foundation

/// How the mock signs thinking and encrypts redacted thinking, and checks both
/// when a client hands them back, as the API does: thoughts changed on the way
/// (trimmed, re-encoded, merged), a signature a proxy made up or left blank, or
/// data that is not what was sent are refused with the API's 400s.
///
/// A signature is `Es`, a nonce and a keyed hash of nonce and thoughts, in hex;
/// redacted data is `Eu` and base64 of a marker, the nonce, the hash and the
/// thoughts scrambled by a stream the nonce seeds. Neither is secret: the mock
/// only needs to tell what it sent from anything else.
///
/// A signature or data the mock did not make but that looks like the API's (long
/// base64) is let through: a conversation captured from production and replayed
/// against the mock carries the API's own, which the mock cannot check.
public enum ThinkingSeal {
    /// The prompt text with which the API's documentation says to test redacted
    /// thinking: a request containing it is answered with its thinking redacted.
    public static let redactionTrigger =
        "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB"

    /// What a check found.
    public enum Check: Sendable, Equatable {
        case valid
        /// Not something the mock could have sent (blank, made up, cut).
        case malformed
        /// Well formed, but for other thoughts than these.
        case altered
        /// The API's, by its look: not the mock's to judge.
        case foreign
        /// Sealed intact, but by a model this one does not take thinking from.
        case otherModel
    }

    /// Which model's thinking a request may hand back. Models whose thinking is
    /// tied to them (from Opus 5.5 on) seal it under their own id; earlier models
    /// all seal it under none, and take one another's.
    public struct Binding: Sendable, Equatable {
        public var own: String
        /// The bindings in use (its own may be among them), to tell another model's seal from a broken one.
        public var others: [String]
        public init(own: String, others: [String]) { self.own = own; self.others = others }
        public static let unbound = Binding(own: "", others: [])
    }

    /// The API's signatures and data are base64 of some hundreds of characters.
    static func looksLikeTheAPIs(_ text: String) -> Bool {
        text.utf8.count >= 100 && text.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2F || byte == 0x3D
        }
    }

    private static let marker = Array("llmc".utf8)
    /// How all the mock's data begins: `Eu`, then the marker's first 30 bits in base64.
    private static let dataPrefix = "Eu" + Data(marker).base64EncodedString().prefix(5)

    public static func signature(for thinking: String, nonce: String, binding: String = "") -> String {
        let seed = StableHash.hash("thinking nonce", nonce)
        return "Es" + hex(seed) + hex(mac(thinking, seed: seed, binding: binding))
    }

    public static func check(signature: String, thinking: String, binding: Binding = .unbound) -> Check {
        let digits = signature.utf8.dropFirst(2)
        guard signature.hasPrefix("Es"), digits.count == 32,
              let seed = UInt64(String(decoding: digits.prefix(16), as: UTF8.self), radix: 16),
              let sealed = UInt64(String(decoding: digits.suffix(16), as: UTF8.self), radix: 16)
        else { return looksLikeTheAPIs(signature) ? .foreign : .malformed }
        return verdict(sealed, thinking, seed: seed, binding: binding)
    }

    public static func redactedData(for thinking: String, nonce: String, binding: String = "") -> String {
        let seed = StableHash.hash("thinking nonce", nonce)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + thinking.utf8.count)
        bytes += marker
        append(seed, to: &bytes)
        append(mac(thinking, seed: seed, binding: binding), to: &bytes)
        bytes += scrambled(Array(thinking.utf8), seed: seed)
        return "Eu" + Data(bytes).base64EncodedString()
    }

    public static func check(data: String, binding: Binding = .unbound) -> Check {
        guard data.hasPrefix(dataPrefix) else { return looksLikeTheAPIs(data) ? .foreign : .malformed }
        // The mock's, changed on the way if it no longer reads.
        guard let decoded = Data(base64Encoded: String(data.dropFirst(2))), decoded.count >= 20 else { return .altered }
        let bytes = [UInt8](decoded)
        let seed = integer(bytes[4..<12]), sealed = integer(bytes[12..<20])
        guard let thinking = String(validating: scrambled(Array(bytes[20...]), seed: seed), as: UTF8.self) else { return .altered }
        return verdict(sealed, thinking, seed: seed, binding: binding)
    }

    /// Valid under the request's binding; else another model's seal if one of the
    /// others opens it (a few hashes, on a path only refused requests take); else altered.
    private static func verdict(_ sealed: UInt64, _ thinking: String, seed: UInt64, binding: Binding) -> Check {
        if sealed == mac(thinking, seed: seed, binding: binding.own) { return .valid }
        return binding.others.contains { sealed == mac(thinking, seed: seed, binding: $0) } ? .otherModel : .altered
    }

    private static func mac(_ thinking: String, seed: UInt64, binding: String) -> UInt64 {
        binding.isEmpty
            ? StableHash.hash("llmchaos thinking seal", hex(seed), thinking)
            : StableHash.hash("llmchaos thinking seal", hex(seed), thinking, binding)
    }

    /// XOR with a stream the seed starts: applied twice, the bytes come back.
    private static func scrambled(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        return bytes.map { $0 ^ UInt8(truncatingIfNeeded: random.next()) }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func integer(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
