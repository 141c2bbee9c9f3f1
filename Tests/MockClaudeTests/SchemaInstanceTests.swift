import AnthropicAPI
import ChaosCore
import Foundation
import Testing
@testable import MockClaude

@Suite struct SchemaInstanceTests {
    static func instance(_ schema: JSONValue, question: String = "", sql: String? = nil) -> JSONValue {
        SchemaInstance(root: schema, hints: .init(question: question, sql: sql)).value()
    }

    @Test(arguments: [
        (#"{"type":"integer","exclusiveMinimum":5}"#, "6"),
        (#"{"type":"integer","maximum":-2}"#, "-2"),
        (#"{"type":"number","minimum":0.25}"#, "0.25"),
        (#"{"type":"number","exclusiveMaximum":0}"#, "-0.5"),
        (#"{"type":["null","boolean"]}"#, "true"),
        (#"{"type":"string","format":"date-time"}"#, #""2026-01-01T00:00:00Z""#),
        (#"{"type":"string","minLength":12,"maxLength":12}"#, #""examplexxxxx""#),
        (#"{"type":"string","maxLength":3}"#, #""exa""#),
        (#"{"const":"fixed","type":"string"}"#, #""fixed""#),
        (#"{"type":"string","default":"given"}"#, #""given""#),
        (#"{"type":"array","items":{"type":"integer"},"minItems":2}"#, "[1,1]"),
        (#"{"type":"array","items":{"type":"integer"},"maxItems":0}"#, "[]"),
        // Unique items, each told apart from the first; without uniqueItems they repeat (above).
        (#"{"type":"array","items":{"type":"integer","maximum":2},"minItems":3,"uniqueItems":true}"#, "[1,2,-1]"),
        (#"{"type":"array","items":{"type":"string"},"minItems":2,"uniqueItems":true}"#, #"["example","example #2"]"#),
        (#"{"type":"array","items":{"enum":["a","b"]},"minItems":2,"uniqueItems":true}"#, #"["a","b"]"#),
        (#"{"type":"array","items":{"type":"boolean"},"minItems":2,"uniqueItems":true}"#, "[true,false]"),
        (#"{"oneOf":[{"type":"null"},{"type":"integer"}]}"#, "1"),
        (#"{"$ref":"https://example.com/remote.json"}"#, "null"),
        (#"{"type":"integer","multipleOf":5}"#, "5"),
        (#"{"type":"integer","minimum":7,"multipleOf":5}"#, "10"),
        (#"{"type":"number","exclusiveMinimum":0.5,"multipleOf":0.25}"#, "0.75"),
        (#"{"type":"array","prefixItems":[{"type":"integer"},{"type":"boolean"}],"items":{"const":"more"},"minItems":3}"#, #"[1,true,"more"]"#),
        (#"{"allOf":[{"type":"integer","minimum":3},{"minimum":5,"type":"number"}]}"#, "5"),
        (#"{"allOf":[{"properties":{"a":{"type":"integer"}}},{"properties":{"a":{"maximum":-4},"b":{"type":"boolean"}}}]}"#, #"{"a":-4,"b":true}"#),
        (##"{"$ref":"#/$defs/M","default":"y","$defs":{"M":{"enum":["x","y"]}}}"##, #""y""#),
        (##"{"$ref":"#/$defs/M","$defs":{"M":{"enum":["x","y"]}}}"##, #""x""#),
        // Bounds the SDKs moved into the description for structured outputs.
        (#"{"type":"integer","description":"How many\n\n{minimum: 3, maximum: 7}"}"#, "3"),
        (#"{"type":"number","description":"{exclusiveMinimum: 0.5, multipleOf: 0.25, title: x: y}"}"#, "0.75"),
        (#"{"type":"array","items":{"type":"integer"},"description":"{minItems: 2}"}"#, "[1,1]"),
        (#"{"type":"integer","minimum":4,"description":"{minimum: 3}"}"#, "4"),
        (#"{"type":"integer","description":"a set {like this}"}"#, "1"),
        // Patterns: an example the regular expression matches, or the usual text when it already does.
        (#"{"type":"string","pattern":"^[A-Z]{3}-\\d{2}$"}"#, #""AAA-00""#),
        (#"{"type":"string","pattern":"^(https?|ftp)://[^\\s/]+\\.example\\.com(/.*)?$"}"#, #""https://a.example.com/a""#),
        (#"{"type":"string","pattern":"^[^a-z]{2}x{2,}$"}"#, #""AAxx""#),
        (#"{"type":"string","pattern":"mpl"}"#, #""example""#),
        (#"{"type":"string","pattern":"(?<=x)y"}"#, #""example""#),
        (#"{"type":"string","description":"A code\n\n{minLength: 4, pattern: ^[a-z]+, [0-9]{2}$}"}"#, #""a, 00""#),
    ])
    func valuesMeetTheirSchema(schema: String, expected: String) throws {
        let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(schema.utf8))
        #expect(Self.instance(parsed).jsonText == expected)
    }

    @Test func aRecursiveSchemaEndsAndDefinitionsAreFollowed() {
        let tree: JSONValue = [
            "type": "object", "properties": ["root": ["$ref": "#/definitions/Node"]],
            "definitions": ["Node": ["type": "object", "properties": ["label": ["type": "string"], "child": ["$ref": "#/definitions/Node"]]]],
        ]
        var depth = 0
        var node = Self.instance(tree)["root"]
        while let next = node, case .object = next {
            #expect(next["label"] == "example label")
            depth += 1
            node = next["child"]
        }
        #expect(depth > 1 && depth < 10, "\(depth) levels")
    }

    @Test func questionAndSQLArgumentsTakeTheirHints() {
        let schema: JSONValue = ["type": "object", "properties": ["query": ["type": "string"], "sql_text": ["type": "string"], "note": ["type": "string"]]]
        let made = Self.instance(schema, question: "revenue by region?", sql: "SELECT 1")
        #expect(made == ["query": "revenue by region?", "sql_text": "SELECT 1", "note": "example note"])
        #expect(Self.instance(schema)["sql_text"] == "example sql_text", "no golden SQL, no SQL")
    }

    @Test func onlyClientToolsAreCalled() throws {
        let server = ToolDefinition(name: "web_search", inputSchema: nil)
        var request = MessagesRequest(model: "m", maxTokens: 10, messages: [Message(role: .user, text: "q")], tools: [server], toolChoice: .any)
        #expect(ToolCallPlanner.call(for: request, hints: .init(question: "q"), tokenizer: .classic) == nil)
        request.tools?.append(ToolDefinition(name: "lookup", inputSchema: ["type": "string"]))
        let call = try #require(ToolCallPlanner.call(for: request, hints: .init(question: "q"), tokenizer: .classic))
        #expect(call.toolName == "lookup")
        #expect(call.text == "{}", "a tool's input is an object, whatever the schema's top says")
    }
}
