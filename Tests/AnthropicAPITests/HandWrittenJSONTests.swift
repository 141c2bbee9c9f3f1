import Foundation
import Testing
@testable import AnthropicAPI

/// The hand-written fast paths say exactly what the slow, general ones say.
@Suite struct HandWrittenJSONTests {
    @Test(arguments: ["SELECT region, SUM(revenue) FROM orders GROUP BY region;", "a \"quoted\" back\\slash\nnew line\ttab \u{01} é 😀 / slash", ""])
    func aResponseBodyIsTheSameJSONAsTheEncoders(text: String) throws {
        let response = MessagesResponse(id: "msg_1\"x", model: "claude-opus-4-7", text: text, stopReason: .maxTokens,
                                        usage: Usage(inputTokens: 12, outputTokens: 34, cacheCreationInputTokens: 5, cacheReadInputTokens: 6))
        let hand = Data(response.jsonText.utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: hand, as: UTF8.self) == String(decoding: try encoder.encode(response), as: UTF8.self))
        #expect(try JSONDecoder().decode(MessagesResponse.self, from: hand) == response)
    }

    @Test func aThinkingBlockIsWrittenAsTheEncoderWritesIt() throws {
        let response = MessagesResponse(id: "msg_1", model: "m", content: [.thinking("Let me \"think\".", signature: "Es12"), .text("SELECT 1;")],
                                        stopReason: .endTurn, usage: Usage(inputTokens: 1, outputTokens: 9))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(response.jsonText == String(decoding: try encoder.encode(response), as: UTF8.self))
        #expect(response.jsonText.hasPrefix(#"{"content":[{"signature":"Es12","thinking":"Let me \"think\".","type":"thinking"},{"text":"SELECT 1;","type":"text"}]"#))
        #expect(try JSONDecoder().decode(MessagesResponse.self, from: Data(response.jsonBytes)) == response)
    }

    @Test func aRedactedThinkingBlockIsWrittenAsTheEncoderWritesIt() throws {
        let response = MessagesResponse(id: "msg_1", model: "m", content: [.redactedThinking(data: "EuAb+/="), .text("SELECT 1;")],
                                        stopReason: .endTurn, usage: Usage(inputTokens: 1, outputTokens: 9))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(response.jsonText == String(decoding: try encoder.encode(response), as: UTF8.self))
        #expect(response.jsonText.hasPrefix(#"{"content":[{"data":"EuAb+/=","type":"redacted_thinking"},{"text":"SELECT 1;","type":"text"}]"#))
        #expect(try JSONDecoder().decode(MessagesResponse.self, from: Data(response.jsonBytes)) == response)
    }

}

/// The fast request reader agrees with `JSONDecoder` on every body it accepts, and
/// gives up (for the decoder to report) on the ones it should not judge.
@Suite struct FastRequestDecodingTests {
    static let bodies: [String] = [
        #"{"model":"claude-opus-4-7","max_tokens":256,"messages":[{"role":"user","content":"What is the total revenue by region?"}]}"#,
        #"{"model":"m","max_tokens":1,"stream":true,"system":"You write SQL.\nOnly SQL.","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"},{"role":"user","content":"again"}]}"#,
        #" { "messages" : [ { "content" : [ { "type" : "text" , "text" : "a\"b\\c\/d\u00e9\ud83d\ude00\n" , "cache_control" : { "type" : "ephemeral" } } ] , "role" : "user" } ] , "model" : "x" , "max_tokens" : null , "stop_sequences" : [ "END" ] , "temperature" : 0.5 , "metadata" : { "user_id" : "u" } } "#,
        #"{"model":"m","max_tokens":10,"system":[{"type":"text","text":"sys","cache_control":null},{"type":"text","text":"two"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"inner"}]},{"type":"image","source":{"type":"base64"}},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc"}},{"type":"image","source":{"type":"file","file_id":"file_1","media_type":null}},{"type":"container_upload","file_id":"file_2"}]}]}"#,
        // A tool result with a screenshot in it: the nested blocks are kept.
        #"{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"shot"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]}]}]}"#,
        #"{"model":"m","max_tokens":-3,"messages":[],"stream":false,"system":null}"#,
        #"{"model":"m","messages":[{"role":"user","content":"x"}],"top_k":5,"flag":true,"none":null}"#,
        #"{"model":"m","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"thinking":{"type":"adaptive","display":"omitted","extra":1},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"thinking":{"type":"disabled","display":null},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"thinking":null,"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"hm \"so\"","signature":"Es1","cache_control":{"type":"ephemeral"}},{"type":"redacted_thinking","data":"EuAb"},{"type":"thinking","thinking":"","signature":null},{"type":"text","text":"a"}]}]}"#,
        // An agent's request: a Pydantic schema with `$defs`, numbers of every form.
        ##"{"model":"claude-sonnet-4-5","max_tokens":1024,"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"tools":[{"name":"run_sql","description":"Runs SQL","input_schema":{"$defs":{"Mode":{"enum":["fast","exact"],"type":"string"}},"properties":{"query":{"type":"string","minLength":1},"limit":{"type":"integer","minimum":-0,"maximum":1e3,"default":100},"ratio":{"type":"number","exclusiveMinimum":0.25,"multipleOf":1.5E-2},"seed":{"const":12345678901234567890},"mode":{"$ref":"#/$defs/Mode"},"tags":{"type":["array","null"],"items":{"type":"string"},"default":null},"strict":{"type":"boolean","default":false}},"required":["query"],"type":"object","additionalProperties":false},"cache_control":{"type":"ephemeral"}},{"type":"web_search_20250305","name":"web_search","max_uses":5},{"name":"noop","description":null,"input_schema":null}],"messages":[{"role":"user","content":"Revenue by region?"},{"role":"assistant","content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_01","name":"run_sql","input":{"query":"SELECT 1","limit":-2,"ratio":0.5,"tags":["a",null,true,[],{}]}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":[{"type":"text","text":"1"}],"is_error":false}]}]}"##,
        #"{"model":"m","max_tokens":9,"tools":[],"tool_choice":{"type":"none"},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"tools":[{"name":"t","input_schema":{}}],"tool_choice":{"type":"tool","name":"t","disable_parallel_tool_use":null},"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"t","input":{},"cache_control":{"type":"ephemeral"}},{"type":"tool_use","id":"b","name":"t","input":"not an object","content":"odd"}]}]}"#,
        #"{"model":"m","max_tokens":9,"tools":null,"tool_choice":{"type":"any"},"temperature":7e-1,"messages":[{"role":"user","content":"q"}]}"#,
        // Sampling parameters, which some models refuse: whole, fractional and null.
        #"{"model":"m","max_tokens":9,"temperature":1,"top_p":0.95,"top_k":40,"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"temperature":null,"top_p":1e-1,"top_k":null,"messages":[{"role":"user","content":"q"}]}"#,
        // Content given as "" is no content (the API's "non-empty content" rule), an empty text block is a block.
        #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":""},{"role":"assistant","content":[{"type":"text","text":""}]},{"role":"assistant","content":""}]}"#,
        // Structured outputs, and the beta's place for the format.
        #"{"model":"m","max_tokens":9,"output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"n":{"type":"number","maximum":2.5}}}},"effort":"high"},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"output_format":{"type":"json_schema","schema":{}},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"output_config":{"effort":null,"format":null},"output_format":{"type":"json_schema","schema":{"x":1}},"messages":[{"role":"user","content":"q"}]}"#,
        #"{"model":"m","max_tokens":9,"output_config":{"format":{"type":"json_schema","schema":{"a":1}}},"output_format":{"type":"json_schema","schema":{"b":2}},"messages":[{"role":"user","content":"q"}]}"#,
    ]

    @Test(arguments: bodies)
    func acceptedBodiesDecodeExactlyAsTheDecoderDoes(body: String) throws {
        let bytes = Array(body.utf8)
        let fast = try #require(bytes.withUnsafeBufferPointer(MessagesRequest.fastDecode), "the fast reader gave up")
        #expect(fast == (try JSONDecoder().decode(MessagesRequest.self, from: Data(bytes))))
    }

    @Test(arguments: [
        #"{"model":"m","max_tokens":256.0,"messages":[]}"#,        // a fraction: the decoder decides
        #"{"model":"m","model":"n","max_tokens":1,"messages":[]}"#, // a duplicate key
        #"{"model":"m","max_tokens":1,"messages":[{"role":"robot","content":"x"}]}"#,
        #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]"#,  // cut short
        #"{"model":null,"max_tokens":1,"messages":[]}"#,
        #"{"model":"m","max_tokens":1,"messages":[],"stream":"yes"}"#,
        #"{"model":"m","max_tokens":1,"messages":[]} trailing"#,
        #"{"model":"bad \ud800 surrogate","max_tokens":1,"messages":[]}"#,
        "{\"model\":\"raw\ncontrol\",\"max_tokens\":1,\"messages\":[]}",
        #"[1,2,3]"#,
        // Tools the decoder refuses, or reads in its own way.
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","content":"no id"}]}]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":null}]}]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n"}]}]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":7,"name":"n","input":{}}]}]}"#,
        #"{"model":"m","messages":[],"tools":[{"input_schema":{}}]}"#,
        #"{"model":"m","messages":[],"tools":[{"name":"t","description":["a"],"input_schema":{}}]}"#,
        #"{"model":"m","messages":[],"tools":{"name":"t"}}"#,
        #"{"model":"m","messages":[],"tools":[{"name":"t","input_schema":{"maximum":1e400}}]}"#,
        #"{"model":"m","messages":[],"tools":[{"name":"t","input_schema":{"minimum":1e-400}}]}"#,
        #"{"model":"m","messages":[],"tools":[{"name":"t","input_schema":{"minimum":4.9e-324}}]}"#,
        #"{"model":"m","messages":[],"tool_choice":{"type":"sometimes"}}"#,
        #"{"model":"m","messages":[],"tool_choice":{"type":"tool"}}"#,
        #"{"model":"m","messages":[],"tool_choice":{"type":"any","disable_parallel_tool_use":"yes"}}"#,
        #"{"model":"m","messages":[],"tool_choice":"auto"}"#,
        // Output formats the decoder refuses.
        #"{"model":"m","messages":[],"output_config":{"format":{"type":"xml","schema":{}}}}"#,
        #"{"model":"m","messages":[],"output_config":{"format":{"type":"json_schema"}}}"#,
        #"{"model":"m","messages":[],"output_config":{"format":{"type":"json_schema","schema":[]}}}"#,
        #"{"model":"m","messages":[],"output_config":{"effort":3}}"#,
        #"{"model":"m","messages":[],"output_format":{"schema":{}}}"#,
        // Thinking the decoder refuses, or reads in its own way.
        #"{"model":"m","max_tokens":9,"thinking":{"type":"deep"},"messages":[]}"#,
        #"{"model":"m","max_tokens":9,"thinking":{"type":"enabled","budget_tokens":2048.5},"messages":[]}"#,
        #"{"model":"m","max_tokens":9,"thinking":{"type":"enabled"},"messages":[]}"#,
        #"{"model":"m","max_tokens":9,"thinking":{"type":"adaptive","display":"full"},"messages":[]}"#,
        #"{"model":"m","max_tokens":9,"thinking":"on","messages":[]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"thinking","signature":"Es1"}]}]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":7}]}]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":[{"type":"redacted_thinking"}]}]}"#,
        // Media the decoder refuses: no source, a source of the wrong shape.
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"document","content":"doc"}]}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":7}}]}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"container_upload"}]}]}"#,
        #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"content","content":"x"}}]}]}"#,
    ])
    func doubtfulBodiesAreLeftToTheDecoder(body: String) {
        #expect(Array(body.utf8).withUnsafeBufferPointer(MessagesRequest.fastDecode) == nil)
    }

    @Test(arguments: [
        #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],}"#,  // JSONDecoder takes this one
        #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x",}]}"#,   // and this one
        #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},]}"#,
        #"{,"model":"m","max_tokens":1,"messages":[]}"#,
        #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]"#,
        #"{"model":"m","max_tokens":01,"messages":[]}"#,
        #"{"model":"m","max_tokens":1,"messages":[]} trailing"#,
        #"{"model":"bad \x escape","max_tokens":1,"messages":[]}"#,
        "{\"model\":\"raw\ncontrol\",\"max_tokens\":1,\"messages\":[]}",
        // What the fast reader leaves to the decoder does not hide bad syntax after it.
        #"{"model":"m","model":"n","max_tokens":1,"messages":[{"role":"user","content":"x"}],}"#,
        #"{"model":"bad \ud800 surrogate","max_tokens":1,"messages":[{"role":"user","content":"x",}]}"#,
    ])
    func bodiesThatAreNotJSONAreRefusedHoweverLenientTheDecoder(body: String) {
        do {
            let request = try MessagesRequest.decode(Array(body.utf8), with: JSONDecoder())
            Issue.record("read as \(request)")
        } catch {
            #expect(RequestProblem.describe(error) == "The request body is not valid JSON")
        }
    }

    @Test(arguments: [
        #"{"model":"m","model":"n","max_tokens":1,"messages":[{"role":"user","content":"x"}]}"#,
        #"{"model":"m","max_tokens":256.0,"messages":[{"role":"user","content":"x"}]}"#,
        #"{"model":"bad \ud800 surrogate","max_tokens":1,"messages":[{"role":"user","content":"x"}]}"#,
        #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"metadata":"#
            + String(repeating: "[", count: 80) + String(repeating: "]", count: 80) + "}",
    ])
    func validJSONTheFastReaderLeavesIsTheDecoders(body: String) {
        func outcome(_ read: () throws -> MessagesRequest) -> String {
            do { return "\(try read())" } catch { return "refused: " + RequestProblem.describe(error) }
        }
        let bytes = Array(body.utf8)
        #expect(bytes.withUnsafeBufferPointer(MessagesRequest.fastDecode) == nil)
        #expect(outcome { try MessagesRequest.decode(bytes, with: JSONDecoder()) } == outcome { try JSONDecoder().decode(MessagesRequest.self, from: Data(bytes)) })
    }

    @Test func textThatIsNotUTF8IsLeftToTheDecoderAndUTF8IsRead() throws {
        func body(_ content: [UInt8]) -> [UInt8] {
            Array(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":""#.utf8) + content + Array(#""}]}"#.utf8)
        }
        #expect(body([0x61, 0xFF, 0x62]).withUnsafeBufferPointer(MessagesRequest.fastDecode) == nil)
        #expect(body([0xC3]).withUnsafeBufferPointer(MessagesRequest.fastDecode) == nil, "a sequence cut short")
        let read = try #require(body(Array("café 😀".utf8)).withUnsafeBufferPointer(MessagesRequest.fastDecode))
        #expect(read.allText.last == "café 😀")
    }
}
