import ChaosCore
import Foundation

/// Texts the mock answers with, all deterministic in their seed.
public enum AnswerText {
    /// How a golden question is answered: its SQL in a fenced block.
    public static func sql(_ sql: String) -> String { "```sql\n\(sql)\n```" }

    private static let sentences = [
        "Looking at the numbers, the trend is steady with a modest rise towards the end of the period.",
        "The main driver is volume rather than price, which held roughly flat.",
        "Two regions account for most of the change, so it is worth breaking the figures down further.",
        "Seasonality explains part of the pattern: the fourth quarter is consistently the strongest.",
        "I would treat the last month with care, since late data often arrives after the close.",
        "A simple way to check this is to compare the same period a year earlier.",
        "Enterprise accounts buy less often but in larger amounts than consumers.",
        "Discounts lift volume, but the effect on revenue is smaller than it first appears.",
        "The data does not show a clear outlier, which suggests the change is broad-based.",
        "If you need more precision, filter by channel and compare the averages side by side.",
        "Keep in mind that averages hide the spread; a median would tell a more robust story.",
        "The partner channel is small, so its percentages move a lot on a few orders.",
        "Overall the picture is consistent with the rest of the quarter.",
        "Happy to go deeper into any of these points if that helps.",
    ]

    /// A plausible prose answer of 2–6 sentences, chosen by `seed`.
    public static func generic(seed: UInt64) -> String {
        var rng = SeededRandom(seed: seed)
        let count = 2 + Int(rng.next() % 5)
        return (0..<count).map { _ in sentences[Int(rng.next() % UInt64(sentences.count))] }.joined(separator: " ")
    }

    /// A model's thinking before it answers `question`: about fifty tokens, the
    /// same for the same question.
    public static func thinking(question: String) -> String {
        let asked = question.count > 160 ? String(question.prefix(160)) + "…" : question
        return "The user asks: \(quoted(asked)). I should work out what is being asked before answering: "
            + "which data it needs, which filters apply, and what shape the answer should take. "
            + "Then I can answer directly and check it against the question."
    }

    private static let musings = [
        "Let me check which tables hold this and how they join.",
        "Wait, does the date range include the last day, or stop before it?",
        "Maybe I should aggregate first and filter afterwards; no, filtering first is cheaper.",
        "The question could mean net rather than gross; I will assume gross unless told otherwise.",
        "Let me reconsider the grouping once more before I commit to it.",
        "Are there rows with a missing region? They would drop out of a plain join.",
        "I could order the result by the total, which is what a reader would expect.",
        "Let me verify that the column names match what the schema says.",
        "Currency might differ between regions; the amounts look already converted.",
        "One more pass over the filters: status, date, and nothing else.",
    ]

    /// The `index`th second thought of a model thinking at length about
    /// `question`: thinking that runs on is ``thinking(question:)`` followed by
    /// these, in order.
    public static func secondThought(_ index: Int, question: String) -> String {
        var rng = SeededRandom("second thought", question, String(index))
        return musings[Int(rng.next() % UInt64(musings.count))]
    }

    /// What a model says when it refuses.
    public static let refusal = "I'm sorry, but I can't help with that request."

    /// JSON the model was held to, fenced and introduced the way a model writes it
    /// when nothing holds it: what `json.loads` on the text fails on.
    public static func offFormatJSON(_ json: String) -> String {
        "Here is the JSON you asked for:\n\n```json\n" + json + "\n```"
    }

    /// The right content in the wrong shape: prose with the query inside a JSON
    /// object and no code fence, the way a model drifts after a prompt change.
    public static func offFormat(_ content: String, isSQL: Bool) -> String {
        guard isSQL else {
            return "RESPONSE:\n- " + content.split(separator: ".").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "\n- ")
        }
        return "Sure! Here is how I would approach it. {\"query\": \(quoted(content)), \"confidence\": \"high\"} Let me know if you want me to explain it."
    }

    private static let syllables = ["lo", "ra", "qu", "zen", "ti", "mox", "ae", "vel", "sh", "ur", "pli", "dak", "on", "ex", "ib"]

    /// Word salad of about `tokens` tokens.
    public static func gibberish(seed: UInt64, tokens: Int) -> String {
        var rng = SeededRandom(seed: seed)
        var words: [String] = []
        for _ in 0..<max(1, tokens / 2) {
            let n = 1 + Int(rng.next() % 3)
            words.append((0..<n).map { _ in syllables[Int(rng.next() % UInt64(syllables.count))] }.joined())
        }
        return words.joined(separator: " ")
    }

    private static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: " ") + "\""
    }
}
