/// A question with its ground truth: the SQL that answers it on the
/// ``AnalyticsDataset``.
public struct GoldenQuestion: Sendable, Equatable, Identifiable {
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
}

/// Finds the golden question a prompt asks. Pipelines wrap the question in a
/// template, so a prompt matches when it *contains* a golden question, compared
/// without case, punctuation or repeated spaces; the longest match wins.
public struct QuestionMatcher: Sendable {
    private let entries: [(normalized: String, question: GoldenQuestion)]
    private let exact: [String: GoldenQuestion]

    public init(questions: [GoldenQuestion] = GoldenQuestions.all) {
        let entries = questions.map { (Self.normalize($0.question), $0) }
        self.entries = entries.sorted { $0.0.count > $1.0.count }
        self.exact = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
    }

    /// The golden question asked in `prompt`, if any.
    public func match(_ prompt: String) -> GoldenQuestion? {
        let normalized = Self.normalize(prompt)
        if let hit = exact[normalized] { return hit }
        return entries.first { normalized.contains($0.normalized) }?.question
    }

    /// The golden question with this id.
    public func question(id: String) -> GoldenQuestion? {
        entries.first { $0.question.id == id }?.question
    }

    static func normalize(_ text: String) -> String {
        asciiNormalize(text) ?? unicodeNormalize(text)
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

    /// The same, by bytes, for ASCII text (nil otherwise): lowercasing and
    /// `isAlphabetic` go through Unicode tables, on every request the mock answers.
    static func asciiNormalize(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var lastWasSpace = true
        for var byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
            if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                out.append(byte); lastWasSpace = false
            } else if !lastWasSpace {
                out.append(0x20); lastWasSpace = true
            }
        }
        if out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}
