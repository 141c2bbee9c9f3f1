import ChaosCore
import Foundation

/// The model-as-judge protocol the mock answers from ground truth.
///
/// A request is a judge call when its system prompt or last user message contains
/// the marker `[llmchaos:judge]` (or matches a configured pattern). The question
/// and the answer to judge are read from `<question>…</question>` and
/// `<sql>…</sql>` (or `<answer>…</answer>`). The verdict comes back as JSON:
///
/// ```json
/// {"verdict": "correct", "score": 1.0, "reason": "same result as the golden query"}
/// ```
/// `verdict` is `correct`, `incorrect`, or `unknown` (the question has no ground truth).
public struct JudgeCall: Sendable, Equatable {
    public static let marker = "[llmchaos:judge]"

    public var question: String
    public var candidate: String

    public init(question: String, candidate: String) {
        self.question = question; self.candidate = candidate
    }

    /// Reads a judge call out of a prompt, if it is one.
    /// - Parameter pattern: an extra regular expression that also marks judge calls.
    public static func parse(system: String, user: String, pattern: String? = nil) -> JudgeCall? {
        // Every request the mock answers asks this; Foundation's `contains` was 4 %
        // of a request, a byte search is a fraction of that.
        let isJudge = contains(system, markerBytes) || contains(user, markerBytes)
        guard isJudge || pattern != nil else { return nil }
        let text = system + "\n" + user
        if !isJudge, let pattern, text.range(of: pattern, options: .regularExpression) == nil { return nil }
        let question = between("<question>", "</question>", in: text) ?? ""
        let candidate = between("<sql>", "</sql>", in: text) ?? between("<answer>", "</answer>", in: text) ?? ""
        return JudgeCall(question: question, candidate: candidate)
    }

    private static let markerBytes = Array(marker.utf8)

    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { ByteSearch.find(needle, in: UnsafeRawBufferPointer($0), from: 0) != nil }
    }

    private static func between(_ open: String, _ close: String, in text: String) -> String? {
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }
}

/// What a judge answers.
public struct JudgeVerdict: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case correct, incorrect, unknown }

    public var verdict: Kind
    public var score: Double
    public var reason: String

    public init(verdict: Kind, score: Double, reason: String) {
        self.verdict = verdict; self.score = score; self.reason = reason
    }

    /// The honest verdict for `grade`.
    public init(grade: Grade) {
        switch grade {
        case .correct: self.init(verdict: .correct, score: 1, reason: "same result as the golden query")
        case let .wrong(why): self.init(verdict: .incorrect, score: 0, reason: why)
        case let .failed(why): self.init(verdict: .incorrect, score: 0, reason: "the query fails: \(why)")
        }
    }

    /// The same verdict turned upside down: what a lying judge says.
    public var inverted: JudgeVerdict {
        switch verdict {
        case .correct: JudgeVerdict(verdict: .incorrect, score: 0, reason: "the query does not answer the question")
        case .incorrect: JudgeVerdict(verdict: .correct, score: 1, reason: "the query answers the question")
        case .unknown: self
        }
    }

    /// Compact JSON with keys in a fixed order.
    public var json: String {
        let data = (try? Self.encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}
