import AnthropicAPI
import Foundation
import Testing

/// Thinking handed back is checked as the API checks it.
@Suite struct ThinkingSealTests {
    static let thoughts = "The user asks about revenue. I should group by region."

    @Test func aSignatureHoldsForItsThoughtsOnly() {
        let signature = ThinkingSeal.signature(for: Self.thoughts, nonce: "req_1")
        #expect(ThinkingSeal.check(signature: signature, thinking: Self.thoughts) == .valid)
        #expect(ThinkingSeal.signature(for: Self.thoughts, nonce: "req_2") != signature, "each answer signs anew")
        #expect(ThinkingSeal.check(signature: signature, thinking: Self.thoughts + " ") == .altered)
        #expect(ThinkingSeal.check(signature: signature, thinking: String(Self.thoughts.dropLast())) == .altered)
        for forged in ["", "Es1", "sig_abc", String(signature.dropLast()), "Xs" + signature.dropFirst(2)] {
            #expect(ThinkingSeal.check(signature: forged, thinking: Self.thoughts) == .malformed, "\(forged)")
        }
        #expect(ThinkingSeal.check(signature: Self.theAPIs, thinking: Self.thoughts) == .foreign)
        #expect(ThinkingSeal.check(signature: Self.theAPIs + "!", thinking: Self.thoughts) == .malformed, "not base64")
    }

    /// A model whose thinking is tied to it seals under its id: another model's
    /// seal is told from a broken one, and earlier models take one another's.
    @Test func aBoundSealHoldsForItsModelOnly() {
        let opus = ThinkingSeal.Binding(own: "claude-opus-5-5", others: ["", "claude-sonnet-5-5"])
        let sonnet = ThinkingSeal.Binding(own: "claude-sonnet-5-5", others: ["", "claude-opus-5-5"])
        let older = ThinkingSeal.Binding(own: "", others: ["claude-opus-5-5", "claude-sonnet-5-5"])
        let bound = ThinkingSeal.signature(for: Self.thoughts, nonce: "req_1", binding: "claude-opus-5-5")
        #expect(ThinkingSeal.check(signature: bound, thinking: Self.thoughts, binding: opus) == .valid)
        #expect(ThinkingSeal.check(signature: bound, thinking: Self.thoughts, binding: sonnet) == .otherModel)
        #expect(ThinkingSeal.check(signature: bound, thinking: Self.thoughts, binding: older) == .otherModel)
        #expect(ThinkingSeal.check(signature: bound, thinking: Self.thoughts + ".", binding: opus) == .altered)
        let unbound = ThinkingSeal.signature(for: Self.thoughts, nonce: "req_1")
        #expect(ThinkingSeal.check(signature: unbound, thinking: Self.thoughts, binding: older) == .valid)
        #expect(ThinkingSeal.check(signature: unbound, thinking: Self.thoughts, binding: opus) == .otherModel)
        let data = ThinkingSeal.redactedData(for: Self.thoughts, nonce: "req_1", binding: "claude-opus-5-5")
        #expect(ThinkingSeal.check(data: data, binding: opus) == .valid)
        #expect(ThinkingSeal.check(data: data, binding: sonnet) == .otherModel)
    }

    /// What the API's signatures and data look like: some hundreds of base64 characters.
    static let theAPIs = "EqQBCkYIBxgCKkA" + String(repeating: "x7Kp2/Zq+9aB", count: 20) + "=="

    @Test func redactedDataComesBackOnlyAsItWasSent() throws {
        let data = ThinkingSeal.redactedData(for: Self.thoughts, nonce: "req_1")
        #expect(data.hasPrefix("Eu") && !data.contains("revenue"))
        #expect(ThinkingSeal.check(data: data) == .valid)
        #expect(ThinkingSeal.redactedData(for: Self.thoughts, nonce: "req_2") != data)
        // One byte of the thoughts changed, base64 still valid; or the end cut off.
        var bytes = try #require(Data(base64Encoded: String(data.dropFirst(2))))
        bytes[bytes.count - 3] ^= 0x01
        #expect(ThinkingSeal.check(data: "Eu" + bytes.base64EncodedString()) == .altered)
        #expect(ThinkingSeal.check(data: String(data.dropLast(8))) == .altered)
        #expect(ThinkingSeal.check(data: String(data.dropLast(3))) == .altered, "no longer base64, still the mock's")
        for broken in ["", "Eu", "Eu!!!!", "EuAAAA", "data"] {
            #expect(ThinkingSeal.check(data: broken) == .malformed, "\(broken)")
        }
        #expect(ThinkingSeal.check(data: Self.theAPIs) == .foreign)
    }

    // MARK: - The 400s

    static func problem(_ assistantTurns: [[[String: Any]]], thinking: Bool = true) throws -> String? {
        var messages: [[String: Any]] = []
        for turn in assistantTurns {
            messages.append(["role": "user", "content": "q"])
            messages.append(["role": "assistant", "content": turn])
        }
        messages.append(["role": "user", "content": "and then?"])
        var body: [String: Any] = ["model": "m", "max_tokens": 4000, "messages": messages]
        if thinking { body["thinking"] = ["type": "enabled", "budget_tokens": 2000] }
        let request = try MessagesRequest.decode(Array(try JSONSerialization.data(withJSONObject: body)), with: JSONDecoder())
        return try request.validate(requireMaxTokens: true)
    }

    static func thought(_ text: String = thoughts, nonce: String = "req_1", signature: String? = nil) -> [String: Any] {
        ["type": "thinking", "thinking": text, "signature": signature ?? ThinkingSeal.signature(for: text, nonce: nonce)]
    }

    static func redacted(_ data: String = ThinkingSeal.redactedData(for: thoughts, nonce: "req_1")) -> [String: Any] {
        ["type": "redacted_thinking", "data": data]
    }

    static var answer: [String: Any] { ["type": "text", "text": "SELECT 1"] }

    @Test func thinkingHandedBackAsSentIsAccepted() throws {
        #expect(try Self.problem([[Self.thought(), Self.answer], [Self.redacted(), Self.thought(nonce: "req_2"), Self.answer]]) == nil)
    }

    /// A conversation captured from the API and replayed against the mock carries
    /// the API's signatures and data, which the mock cannot check: they pass.
    @Test func theAPIsOwnSignaturesAndDataPass() throws {
        #expect(try Self.problem([[Self.thought("anything", signature: Self.theAPIs), Self.answer], [Self.redacted(Self.theAPIs), Self.answer]]) == nil)
    }

    @Test func changedThoughtsInTheLatestTurnCannotBeModified() throws {
        let changed = Self.thought(Self.thoughts + "\n", signature: ThinkingSeal.signature(for: Self.thoughts, nonce: "req_1"))
        #expect(try Self.problem([[Self.thought(), Self.answer], [changed, Self.answer]])
            == "messages.3.content.0: `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified. These blocks must remain as they were in the original response.")
        #expect(try Self.problem([[changed, Self.answer], [Self.thought(), Self.answer]]) == "messages.1.content.0: Invalid `signature` in `thinking` block",
                "in an earlier turn the signature is what no longer holds")
        #expect(try Self.problem([[changed, Self.answer]], thinking: false) == nil, "checked only while thinking is on")
    }

    @Test func forgedOrBlankSignaturesAndDataAreInvalid() throws {
        #expect(try Self.problem([[Self.thought(signature: ""), Self.answer]]) == "messages.1.content.0: Invalid `signature` in `thinking` block")
        #expect(try Self.problem([[Self.thought(signature: "sig"), Self.answer]]) == "messages.1.content.0: Invalid `signature` in `thinking` block")
        #expect(try Self.problem([[Self.redacted("EuQUJD"), Self.answer]]) == "messages.1.content.0: Invalid `data` in `redacted_thinking` block")
        #expect(try Self.problem([[Self.redacted(), Self.thought(signature: "x"), Self.answer]]) == "messages.1.content.1: Invalid `signature` in `thinking` block")
    }

    @Test func aTurnWithThinkingBeginsWithIt() throws {
        #expect(try Self.problem([[Self.answer, Self.thought()]])
            == "messages.1.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found text.")
    }
}
