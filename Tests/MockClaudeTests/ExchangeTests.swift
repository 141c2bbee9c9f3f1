import ChaosCore
import Faults
@testable import MockClaude
import Testing

/// An exchange shares its fields between copies until one changes (it is copied
/// into every stage of a request): each copy must still behave as a value.
@Suite struct ExchangeTests {
    @Test func aChangedCopyLeavesTheOriginalAsItWas() {
        let original = MessagesRoute.Exchange(
            arrival: .seconds(3), realStart: .now, path: "/v1/messages", endpoint: .messages, provider: "anthropic",
            identity: AttemptIdentity(requestID: "r1", attempt: 1, correlation: "header"), requestID: "", model: nil,
            stream: false, inputTokens: 0, ticket: InFlight().ticket()
        )
        var copy = original
        copy.requestID = "req_2"
        copy.identity = AttemptIdentity(requestID: "r1", attempt: 2, correlation: "header")
        copy.model = "claude-opus-4-7"
        copy.stream = true
        copy.inputTokens = 12
        copy.cacheReadTokens = 5
        #expect(original.requestID == "" && original.identity.attempt == 1 && original.model == nil)
        #expect(!original.stream && original.inputTokens == 0 && original.cacheReadTokens == 0)
        #expect(copy.requestID == "req_2" && copy.identity.attempt == 2 && copy.model == "claude-opus-4-7")
        #expect(copy.stream && copy.inputTokens == 12 && copy.cacheReadTokens == 5 && copy.arrival == .seconds(3))
    }
}
