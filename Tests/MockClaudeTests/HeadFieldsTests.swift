import AnthropicAPI
import NIOHTTP1
import Testing
@testable import MockClaude

/// The fast path reads the names it asks of every request in one pass; any
/// name, kept or not, must read as a lookup over all the fields reads it.
@Suite struct HeadFieldsTests {
    static let asked = [
        HeaderName.apiKey, HeaderName.authorization, HeaderName.anthropicBeta, HeaderName.stainlessRetryCount,
        HeaderName.llmchaosRequest, HeaderName.llmchaosAttempt, "expect", "x-case", "content-type", "x-missing",
    ]

    static let heads: [[(String, String)]] = [
        [("Host", "127.0.0.1"), ("X-Api-Key", "sk-1"), ("content-type", "application/json"), ("anthropic-version", "2023-06-01")],
        // The two llmchaos names are the same length; each must keep its own value.
        [("x-llmchaos-attempt", "3"), ("X-LLMCHAOS-REQUEST", "r-9"), ("x-stainless-retry-count", "2"), ("x-case", "slow")],
        // Repeated fields join with ", ", as `HTTPFields` joins them.
        [("anthropic-beta", "a-1"), ("Authorization", "Bearer sk-2"), ("ANTHROPIC-BETA", "b-2,c-3"), ("Expect", "100-continue")],
        [],
    ]

    @Test(arguments: heads.indices)
    func everyNameReadsAsALookupOverAllFields(_ index: Int) {
        let headers = HTTPHeaders(Self.heads[index])
        let fields = HeadFields(headers)
        for name in Self.asked {
            let all = headers[name]
            #expect(fields.value(of: name) == (all.isEmpty ? nil : all.joined(separator: ", ")), "\(name)")
        }
    }

    @Test func keptNamesHoldTheirValues() {
        let fields = HeadFields(HTTPHeaders(Self.heads[1] + Self.heads[2]))
        #expect(fields.llmchaosRequest == "r-9")
        #expect(fields.llmchaosAttempt == "3")
        #expect(fields.stainlessRetryCount == "2")
        #expect(fields.anthropicBeta == "a-1, b-2,c-3")
        #expect(fields.authorization == "Bearer sk-2")
        #expect(fields.expect == "100-continue")
        #expect(fields.apiKey == nil)
        // Asked in another case, a kept name is looked up, and found alike.
        #expect(fields.value(of: "X-LLMChaos-Request") == "r-9")
    }
}
