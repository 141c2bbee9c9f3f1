#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A question with its ground truth: the SQL that answers it on the
/// ``AnalyticsDataset``.
///
/// A class: every answer carries its question, copied at each step of answering.
public final class GoldenQuestion: Sendable, Equatable, Identifiable {
    public enum Difficulty: String, Sendable, CaseIterable { case easy, medium, hard }

    public let id: String
    public let question: String
    public let sql: String
    public let difficulty: Difficulty
    /// True when the question asks for an order (top N, by month): then row order
    /// is part of a right answer.
    public let ordered: Bool

    public init(_ id: String, _ difficulty: Difficulty, ordered: Bool = false, _ question: String, _ sql: String) {
        self.id = id; self.question = question; self.sql = sql; self.difficulty = difficulty; self.ordered = ordered
    }

    public static func == (a: GoldenQuestion, b: GoldenQuestion) -> Bool {
        a.id == b.id && a.question == b.question && a.sql == b.sql && a.difficulty == b.difficulty && a.ordered == b.ordered
    }
}

/// Finds the golden question a prompt asks. Pipelines wrap the question in a
/// template, so a prompt matches when it *contains* a golden question, compared
/// without case, punctuation or repeated spaces; the longest match wins.
///
/// Every answer the mock plans asks this of its prompt. Compared with
/// Foundation's `String.contains`, a question at a time, it cost 3 ms per 1,000
/// words of prompt (a 100,000-word prompt took 0.35 s to answer, nearly all of
/// it here). The prompt is now read as bytes, once per distinct first byte of
/// the questions (`memchr`), and where one occurs its next eight bytes are held
/// against the questions that begin so before any is compared whole.
public struct QuestionMatcher: Sendable {
    private struct Entry: Sendable {
        var normalized: [UInt8]
        var question: GoldenQuestion
        /// The first eight bytes (fewer, zero-padded, for a shorter question), as read in place.
        var head: UInt64
        var headMask: UInt64
    }

    /// Longest first, so the first found is the answer.
    private let entries: [Entry]
    /// Indexes into `entries`, ascending, by the first byte of their question.
    private let byFirstByte: [(byte: UInt8, entries: [Int])]
    private let exact: [[UInt8]: GoldenQuestion]
    private let longest: Int

    public init(questions: [GoldenQuestion] = GoldenQuestions.all) {
        let entries = questions.map { question in
            let normalized = Self.normalizedBytes(question.question)
            var head: UInt64 = 0
            var mask: UInt64 = 0
            for (i, byte) in normalized.prefix(8).enumerated() {
                head |= UInt64(byte) << (8 * i)
                mask |= 0xFF << (8 * i)
            }
            return Entry(normalized: normalized, question: question, head: head, headMask: mask)
        }
        .filter { !$0.normalized.isEmpty }
        .sorted { $0.normalized.count > $1.normalized.count }
        self.entries = entries
        self.byFirstByte = Dictionary(grouping: entries.indices, by: { entries[$0].normalized[0] })
            .map { (byte: $0.key, entries: $0.value.sorted()) }
        self.exact = Dictionary(entries.map { ($0.normalized, $0.question) }, uniquingKeysWith: { a, _ in a })
        self.longest = entries.first?.normalized.count ?? 0
    }

    /// The golden question asked in `prompt`, if any.
    public func match(_ prompt: String) -> GoldenQuestion? {
        let normalized = Self.normalizedBytes(prompt)
        if normalized.count <= longest, let hit = exact[normalized] { return hit }
        let found = normalized.withUnsafeBytes { firstContained(in: $0) }
        return found.map { entries[$0].question }
    }

    /// The index of the longest question `prompt` contains.
    private func firstContained(in prompt: UnsafeRawBufferPointer) -> Int? {
        guard let base = prompt.baseAddress else { return nil }
        var best = entries.count
        for (byte, candidates) in byFirstByte where candidates[0] < best {
            var from = 0
            while from < prompt.count, let hit = memchr(base + from, Int32(byte), prompt.count - from) {
                let at = base.distance(to: UnsafeRawPointer(hit))
                let left = prompt.count - at
                let head = left >= 8 ? UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self)) : Self.partialHead(base + at, left)
                for index in candidates {
                    guard index < best else { break }
                    let entry = entries[index]
                    if head & entry.headMask == entry.head, entry.normalized.count <= left,
                       entry.normalized.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, $0.count) }) == 0 {
                        best = index
                        break
                    }
                }
                from = at + 1
            }
        }
        return best < entries.count ? best : nil
    }

    private static func partialHead(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt64 {
        var head: UInt64 = 0
        for i in 0..<count { head |= UInt64(bytes.load(fromByteOffset: i, as: UInt8.self)) << (8 * i) }
        return head
    }

    /// The golden question with this id.
    public func question(id: String) -> GoldenQuestion? {
        entries.first { $0.question.id == id }?.question
    }

    /// The prompt as the matcher compares it (``unicodeNormalize``, the definition),
    /// read a byte at a time where it is ASCII: lowercasing and `isAlphabetic` go
    /// through Unicode's tables, and a prompt with one arrow or curly quote in it
    /// sent the whole text through them (most of answering a 2 MB prompt). The rule
    /// is a scalar's at a time, so ASCII and other scalars can be read apart.
    static func normalizedBytes(_ text: String) -> [UInt8] {
        var normalized = Normalized(capacity: text.utf8.count)
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                if lead < 0x80 {
                    normalized.add(ascii: lead)
                    i += 1
                    continue
                }
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var value = UInt32(lead) & (0x7F >> length)
                for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                normalized.add(Unicode.Scalar(value)!)
                i += length
            }
        }
        return normalized.finished()
    }

    private struct Normalized {
        var bytes: [UInt8] = []
        var lastWasSpace = true

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func add(ascii byte: UInt8) {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) {
                bytes.append(lower); lastWasSpace = false
            } else {
                space()
            }
        }

        mutating func add(_ scalar: Unicode.Scalar) {
            guard scalar.properties.changesWhenLowercased else { return keep(scalar) }
            for lower in scalar.properties.lowercaseMapping.unicodeScalars { keep(lower) }
        }

        private mutating func keep(_ scalar: Unicode.Scalar) {
            if scalar.isASCII { return add(ascii: UInt8(scalar.value)) }
            if scalar.properties.isAlphabetic {
                bytes.append(contentsOf: UTF8.encode(scalar)!); lastWasSpace = false
            } else {
                space()
            }
        }

        private mutating func space() {
            if !lastWasSpace { bytes.append(0x20); lastWasSpace = true }
        }

        mutating func finished() -> [UInt8] {
            if bytes.last == 0x20 { bytes.removeLast() }
            return bytes
        }
    }

    /// Lower case, letters and digits kept, every other run one space.
    static func unicodeNormalize(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var lastWasSpace = true
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar); lastWasSpace = false
            } else if !lastWasSpace {
                out.append(" "); lastWasSpace = true
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}
