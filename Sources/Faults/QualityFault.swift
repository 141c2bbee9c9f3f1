import AnthropicAPI
import ChaosCore
import Scenario
import Workload

/// A 200 with a bad answer — no error anywhere, so only a quality monitor can see it.
///
/// ```yaml
/// inject: { quality: { mode: hallucinated_column } }
/// inject: { quality: { mode: [wrong_filter, wrong_aggregation] } }   # one per request, seeded
/// ```
/// SQL modes apply to golden questions only (the wrong SQL is derived from the
/// golden SQL); `judge_lies` to judge calls only; the rest to any answer. On a
/// tool call: `empty` calls it with `{}`, `truncated_max_tokens` cuts its input,
/// `refusal`, `off_format` (the call written out as prose) and `gibberish` answer
/// in text instead of calling.
public struct QualityFault: Fault {
    public static let kind = "quality"

    /// The ways an answer can be bad.
    public enum Mode: String, Sendable, CaseIterable {
        case hallucinatedTable = "hallucinated_table"
        case hallucinatedColumn = "hallucinated_column"
        case wrongFilter = "wrong_filter"
        case wrongAggregation = "wrong_aggregation"
        case syntaxError = "syntax_error"
        case refusal
        case empty
        case truncatedMaxTokens = "truncated_max_tokens"
        case offFormat = "off_format"
        case gibberish
        /// The judge inverts its verdict.
        case judgeLies = "judge_lies"

        var sqlDegradation: SQLDegradation? { SQLDegradation(rawValue: rawValue) }
    }

    public let modes: [Mode]

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        let node = reader.required("mode")
        reader.finish()
        guard let node, let names = node.stringList(problems, what: "inject.quality.mode") else { return nil }
        var modes: [Mode] = []
        for name in names {
            guard let mode = Mode(rawValue: name) else {
                var message = "inject.quality.mode: unknown mode '\(name)'"
                if let near = Suggestion.nearest(to: name, in: Mode.allCases.map(\.rawValue)) { message += "; did you mean '\(near)'?" }
                problems.add(message + " (known: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")))", at: node)
                return nil
            }
            modes.append(mode)
        }
        guard !modes.isEmpty else {
            problems.add("inject.quality.mode needs at least one mode", at: node)
            return nil
        }
        self.modes = modes
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.asksForMessage else { return nil }
        let mode = modes.count == 1 ? modes[0] : modes[Int(random.next() % UInt64(modes.count))]
        guard let answer = Self.degrade(request.answer, mode: mode, seed: random.next()) else { return nil }
        return FaultEffect(answer: answer, quality: mode.rawValue)
    }

    /// The answer as `mode` spoils it, or nil when the mode cannot apply to it.
    public static func degrade(_ answer: PlannedAnswer, mode: Mode, seed: UInt64) -> PlannedAnswer? {
        var out = answer
        if let degradation = mode.sqlDegradation {
            guard case let .golden(question) = answer.kind else { return nil }
            let wrong = degradation.apply(to: question.sql)
            guard answer.isStructured else {
                out.write(AnswerText.sql(wrong))
                return out
            }
            // The wrong SQL where the right one was, the JSON still valid; a schema
            // with no place for SQL leaves nothing to spoil.
            let right = JSONValue.string(question.sql).jsonText
            guard answer.text.contains(right) else { return nil }
            out.text = answer.text.replacingOccurrences(of: right, with: JSONValue.string(wrong).jsonText)
            return out
        }
        switch mode {
        case .judgeLies:
            guard case let .judge(verdict) = answer.kind else { return nil }
            out.write(verdict.inverted.json)
        case .refusal:
            out.toolName = nil
            out.write(AnswerText.refusal)
            out.stopReason = .refusal
        case .empty:
            out.text = answer.toolName == nil ? "" : "{}"
        case .truncatedMaxTokens:
            let pieces = answer.tokenizer.pieces(of: answer.text)
            out.text = pieces.prefix(max(1, pieces.count / 2)).joined()
            out.stopReason = .maxTokens
        case .offFormat:
            if let tool = answer.toolName {
                out.toolName = nil
                out.stopReason = .endTurn
                out.text = "Sure! I'll use the \(tool) tool with these arguments: \(answer.text)"
            } else if answer.isStructured {
                out.text = AnswerText.offFormatJSON(answer.text)
            } else if case let .golden(question) = answer.kind {
                out.write(AnswerText.offFormat(question.sql, isSQL: true))
            } else {
                out.write(AnswerText.offFormat(answer.text, isSQL: false))
            }
        case .gibberish:
            if answer.toolName != nil { out.toolName = nil; out.stopReason = .endTurn }
            out.write(AnswerText.gibberish(seed: seed, tokens: max(8, answer.outputTokens)))
        default:
            return nil
        }
        return out
    }
}
