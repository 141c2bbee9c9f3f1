import AnthropicAPI
import ChaosCore
import Foundation
import Faults
import Scenario
import Verdicts
import Workload

enum Fixtures {
    static let sql = """
        SELECT r.name AS region, ROUND(SUM(oi.quantity * oi.unit_price), 2) AS revenue
        FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN customers c ON c.id = o.customer_id
        JOIN regions r ON r.id = c.region_id GROUP BY r.name ORDER BY revenue DESC
        """

    static let response = MessagesResponse(
        id: "msg_0123456789", model: "claude-opus-4-7", text: sql, stopReason: .endTurn,
        usage: Usage(inputTokens: 412, outputTokens: 58, cacheCreationInputTokens: 0, cacheReadInputTokens: 380)
    )

    /// `scripts/bench/compare`'s request, as wrk sends it.
    static let wrkRequest: String = {
        let body = #"{"model":"claude-opus-4-7","max_tokens":256,"messages":[{"role":"user","content":"What is the total revenue by region?"}]}"#
        return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:8080\r\ncontent-type: application/json\r\nx-api-key: sk-bench\r\n"
            + "anthropic-version: 2023-06-01\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    }()
    static let dataset = try! AnalyticsDataset()
    static let requestBody = #"{"model":"claude-opus-4-7","max_tokens":1024,"system":"You write SQLite SQL for the analytics schema.","messages":[{"role":"user","content":"What is the total revenue by region?"}]}"#

    /// A chat with thinking on, its last answer's thinking handed back.
    static let thinkingRequestBody = #"{"model":"claude-sonnet-4-5","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"What is the total revenue by region?"},{"role":"assistant","content":[{"type":"thinking","thinking":"The user asks for revenue by region. I should group the orders by region and sum the amounts.","signature":"Es00c0ffee12345678deadbeef87654321"},{"type":"text","text":"SELECT region, SUM(amount) FROM orders GROUP BY region;"}]},{"role":"user","content":"And by month?"}]}"#

    /// A question about a screenshot sent inline: a megabyte of base64 in one string.
    static let imageRequestBody: String = {
        let data = Data((0..<786_432).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }).base64EncodedString()
        return #"{"model":"claude-opus-4-7","max_tokens":1024,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(data)"}},{"type":"text","text":"What does this chart show?"}]}]}"#
    }()

    /// A retrieval-augmented prompt: 100 KB of context, one curly quote in it, the
    /// golden question at the end.
    static let longPrompt: String = {
        let passage = "Quarterly revenue is reported per region in the sales table; returns are netted out at month end. "
        let context = String(repeating: passage, count: 100_000 / passage.utf8.count)
        return context + "The customer’s question follows.\n\nQuestion: What is the total revenue by region?"
    }()

    /// An agent's second request: two tools with Pydantic schemas, its call and the result handed back.
    static let toolRequestBody = ##"{"model":"claude-sonnet-4-5","max_tokens":1024,"tool_choice":{"type":"auto"},"tools":[{"name":"run_sql","description":"Runs one read-only SQLite query against the analytics database and returns the rows as CSV.","input_schema":{"$defs":{"Format":{"enum":["csv","json","markdown"],"title":"Format","type":"string"}},"properties":{"query":{"description":"One SELECT statement.","minLength":1,"title":"Query","type":"string"},"limit":{"default":100,"maximum":10000,"minimum":1,"title":"Limit","type":"integer"},"format":{"$ref":"#/$defs/Format","default":"csv"},"timeout_seconds":{"default":2.5,"exclusiveMinimum":0,"title":"Timeout Seconds","type":"number"}},"required":["query"],"title":"RunSQL","type":"object"}},{"name":"describe_table","description":"Lists the columns of a table with their types.","input_schema":{"properties":{"table":{"enum":["orders","customers","products","regions"],"title":"Table","type":"string"},"include_samples":{"default":false,"title":"Include Samples","type":"boolean"}},"required":["table"],"title":"DescribeTable","type":"object"}}],"messages":[{"role":"user","content":"What is the total revenue by region?"},{"role":"assistant","content":[{"type":"text","text":"I'll query the orders."},{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"run_sql","input":{"query":"SELECT region, SUM(amount) FROM orders GROUP BY region","limit":100,"format":"csv","timeout_seconds":2.5}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"region,revenue\nEMEA,1204331.50\nAMER,2210993.25\nAPAC,880412.00"}]}]}"##

    /// The faults of the opus-overloaded incident, all active: the decision does its full work.
    static let plan: FaultPlan = {
        let faults = try! FaultPlan.schedule(yaml: """
            - { name: storm, match: { model: claude-opus-4-7 }, inject: { overloaded: {} }, probability: 0.9 }
            - { name: slow, match: { model: claude-sonnet-4-5 }, inject: { latency: { first_token: { lognormal: { median: 2s, p99: 8s } } } } }
            - { name: wrong, inject: { quality: { mode: [wrong_filter, hallucinated_column] } }, probability: 0.1 }
            """, file: "bench")
        return FaultPlan(seed: 42, faults: faults)
    }()

    static let faultRequests: [FaultRequest] = (0..<1_024).map { i in
        FaultRequest(
            facts: RequestFacts(endpoint: .messages, path: "/v1/messages", model: i % 2 == 0 ? "claude-opus-4-7" : "claude-sonnet-4-5",
                                requestID: "r42-\(i)", attempt: 1 + i % 3, inputTokens: 400),
            answer: PlannedAnswer(kind: .generic, text: sql), now: .seconds(i % 600), clock: ManualClock()
        )
    }

    static func attempt(_ i: Int) -> UpstreamAttempt {
        UpstreamAttempt(
            at: .milliseconds(i * 37), path: "/v1/messages", model: "claude-opus-4-7", provider: "anthropic",
            requestID: "r42-\(i / 3)", attempt: 1 + i % 3, correlation: "header", stream: false,
            faults: i % 3 == 2 ? [] : ["storm"], faultKinds: i % 3 == 2 ? [] : ["overloaded"], status: i % 3 == 2 ? 200 : 529,
            ending: i % 3 == 2 ? "complete" : "error", latency: .milliseconds(120), inputTokens: 400, outputTokens: 58,
            responseID: "req_\(i)", answerKind: "golden:revenue-by-region"
        )
    }

    static func expectation(_ yaml: String) throws -> any Expectation {
        let problems = ProblemCollector()
        guard let node = try ConfigNode.parse(yaml: yaml, file: "bench"), let parsed = ExpectationRegistry.parse(node, problems: problems) else {
            fatalError("bench expectation does not parse: \(problems.problems)")
        }
        return parsed
    }

    /// 500,000 requests and 500,000 upstream attempts over ten scenario hours
    /// (1/100 of that in the smoke): requests with retries spaced by jittered,
    /// growing backoff.
    static let eventLog: RunLog = {
        let half = smoke ? 5_000 : 500_000
        var log = RunLog(info: RunInfo(runID: "bench/1m", scenario: "bench", timeScale: 60, duration: .seconds(36_000)))
        log.phases = [PhaseRecord(kind: .fault, name: "storm", start: .seconds(3_600), end: .seconds(7_200))]
        var random = SeededRandom("bench")
        log.requests.reserveCapacity(half)
        log.attempts.reserveCapacity(half)
        for i in 0..<half {
            let at = Duration.milliseconds(i * (36_000_000 / half))
            let inStorm = at >= .seconds(3_600) && at < .seconds(7_200)
            log.requests.append(RequestRecord(
                index: i, requestID: "r\(i)", questionID: "q", scheduled: at, finished: at + .milliseconds(800 + Int64(random.unit() * 1_000)),
                outcome: .ok, servedBy: inStorm ? "claude-sonnet-4-5" : "claude-opus-4-7", grade: .right, upstreamAttempts: 1, cost: 0.002
            ))
            if log.attempts.count < half {
                var t = at
                let tries = inStorm ? 3 : 1
                for attempt in 1...tries where log.attempts.count < half {
                    log.attempts.append(UpstreamAttempt(
                        sequence: log.attempts.count + 1, at: t, path: "/v1/messages", model: attempt < 3 || !inStorm ? "claude-opus-4-7" : "claude-sonnet-4-5",
                        provider: "anthropic", requestID: "r\(i)", attempt: attempt, correlation: "header", stream: false,
                        status: inStorm && attempt < 3 ? 529 : 200, ending: inStorm && attempt < 3 ? "error" : "complete",
                        latency: .milliseconds(100), responseID: "req_\(i)_\(attempt)"
                    ))
                    t += .milliseconds(Int64(1_000 * (1 << (attempt - 1))) * Int64(1 + random.unit() * 1_000) / 1_000)
                }
            }
        }
        return log
    }()
}
