import AnthropicAPI
import ChaosCore
import Faults
import Testing

/// An answer shares its fields between copies until one changes (it is copied
/// several times per request): each copy must still behave as a value of its own.
@Suite struct PlannedAnswerTests {
    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = PlannedAnswer(kind: .generic, text: "SELECT region, SUM(amount) FROM sales GROUP BY region", tokenizer: .claude47)
        var changed = original
        changed.text = "no"
        changed.thinking = "Let me think about the schema first."
        changed.stopReason = .maxTokens
        changed.stopSequence = "END"
        changed.toolName = "run_sql"
        changed.isStructured = true
        changed.allowsParallelCalls = true
        changed.thinkingForm = .redacted
        changed.moreCalls = [.init(name: "lookup", input: .string("x"))]
        changed.prefill = "SELECT"
        changed.kind = .toolCall("run_sql")

        let fresh = PlannedAnswer(kind: .generic, text: "SELECT region, SUM(amount) FROM sales GROUP BY region", tokenizer: .claude47)
        #expect(original == fresh)
        #expect(original.outputTokens == Tokenizer.claude47.count(original.text))
        #expect(original.thinking == nil && original.thinkingTokenCount == 0)
        #expect(original.stopReason == .endTurn && original.stopSequence == nil && original.toolName == nil && original.prefill == nil)
        #expect(!original.isStructured && !original.allowsParallelCalls && original.thinkingForm == .shown && original.moreCalls.isEmpty)
        #expect(original.kind == .generic)

        #expect(changed != original)
        #expect(changed.thinkingTokenCount == Tokenizer.claude47.count("Let me think about the schema first."))
        #expect(changed.outputTokens == changed.thinkingTokenCount + Tokenizer.claude47.count("no") + Tokenizer.claude47.count(JSONValue.string("x").jsonText))
    }

    @Test func copiesAreEqualUntilOneChangesAndEqualAgainWhenItChangesBack() {
        let original = PlannedAnswer(kind: .generic, text: "one two three")
        var copy = original
        #expect(copy == original)
        copy.text = "four"
        #expect(copy != original)
        copy.text = "one two three"
        #expect(copy == original, "equal by fields, not by sharing")
        #expect(copy.outputTokens == original.outputTokens)
    }
}
