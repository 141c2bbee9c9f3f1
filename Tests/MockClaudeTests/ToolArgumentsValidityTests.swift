import ChaosCore
import Foundation
@testable import MockClaude
import TestSupport
import Testing

/// The arguments the mock makes up for a tool, checked by the reference JSON Schema
/// implementation (Python `jsonschema`, in `.venv-test`): an agent validates a call's
/// input with its own model before running the tool, and input the schema refuses
/// would fail the app where the real model's would not.
///
/// Skipped without the SDK conformance test's Python (`.venv-test`) — unless
/// `LLMCHAOS_REQUIRE_TOOLS=1`, as in CI.
@Suite struct ToolArgumentsValidityTests {
    /// Schemas as the libraries agents use write them.
    static let schemas: [(name: String, schema: String)] = [
        // Pydantic v2: an enum field with a default is a `$ref` with the default beside it;
        // a nested model a `$ref`; Optional an anyOf with null; a tuple prefixItems;
        // conint(ge=7, multiple_of=5); confloat(gt=0.5, multiple_of=0.25); conlist(min_length=2).
        ("pydantic", ##"""
        {"$defs":{"Mode":{"enum":["fast","exact"],"title":"Mode","type":"string"},
          "Window":{"properties":{"start":{"format":"date","type":"string"},"days":{"exclusiveMinimum":0,"maximum":90,"type":"integer"}},"required":["start","days"],"title":"Window","type":"object"}},
         "properties":{"query":{"minLength":3,"type":"string"},"mode":{"$ref":"#/$defs/Mode","default":"exact"},
          "window":{"$ref":"#/$defs/Window","description":"Which days"},
          "region":{"anyOf":[{"type":"string","maxLength":4},{"type":"null"}],"default":null},
          "point":{"maxItems":2,"minItems":2,"prefixItems":[{"type":"number"},{"type":"integer","minimum":10}],"type":"array"},
          "batch":{"minimum":7,"multipleOf":5,"type":"integer"},
          "ratio":{"exclusiveMinimum":0.5,"multipleOf":0.25,"type":"number"},
          "tags":{"items":{"type":"string"},"minItems":2,"type":"array"}},
         "required":["query","mode","window","point","batch","ratio","tags"],"title":"Search","type":"object"}
        """##),
        // zod-to-json-schema: an intersection is an allOf of the parts, each with its required names.
        ("zod intersection", #"""
        {"allOf":[{"type":"object","properties":{"id":{"type":"string","format":"uuid"},"count":{"type":"integer","minimum":2}},"required":["id","count"]},
                  {"type":"object","properties":{"count":{"type":"integer","maximum":40,"multipleOf":4},"flag":{"type":"boolean"}},"required":["flag"]}]}
        """#),
        // A base schema extended: allOf of a `$ref` and the additions.
        ("allOf extends a ref", ##"""
        {"$defs":{"Base":{"type":"object","properties":{"name":{"type":"string"},"kind":{"enum":["a","b","c"]}},"required":["name","kind"]}},
         "allOf":[{"$ref":"#/$defs/Base"},{"properties":{"kind":{"enum":["c","b"]},"size":{"type":"number","exclusiveMaximum":-1}},"required":["size"]}]}
        """##),
        // Draft 7, as older generators write it: definitions, a tuple as a list of items.
        ("draft 7", #"""
        {"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"Unit":{"type":"string","enum":["kg","lb"]}},
         "type":"object","properties":{"pair":{"type":"array","items":[{"type":"integer","maximum":-3},{"$ref":"#/definitions/Unit"}],"minItems":2},
          "weight":{"type":"number","minimum":0.5,"maximum":0.75}},"required":["pair","weight"]}
        """#),
        // Patterns as apps write them for ids, codes and links (Python's `re` checks them).
        ("patterns", #"""
        {"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-\\d{2}$"},
          "url":{"type":"string","pattern":"^(https?|ftp)://[^\\s/]+\\.example\\.com(/.*)?$"},
          "id":{"type":"string","pattern":"^toolu_[A-Za-z0-9]{24}$"},"phone":{"type":"string","pattern":"^\\+?[1-9]\\d{1,14}$"},
          "slug":{"type":"string","pattern":"^[a-z0-9]+(?:-[a-z0-9]+)*$"},"color":{"type":"string","pattern":"^#?[0-9a-fA-F]{6}$"},
          "query":{"type":"string","pattern":"^(SELECT|WITH) "}},
         "required":["code","url","id","phone","slug","color","query"]}
        """#),
        // Bounds that 1 does not meet.
        ("bounds", #"""
        {"type":"object","properties":{"below":{"type":"integer","exclusiveMaximum":0,"multipleOf":3},"above":{"type":"integer","exclusiveMinimum":100},
          "fraction":{"type":"number","maximum":0.1},"steps":{"type":"number","multipleOf":0.125,"minimum":1.2},"fixed":{"const":7}},
         "required":["below","above","fraction","steps","fixed"]}
        """#),
        // Sets: Pydantic's `set[...]` with a min_length, zod's `.array().min(n)` refined to
        // distinct items; each kind of item told apart from the first.
        ("unique items", #"""
        {"type":"object","properties":{"tags":{"type":"array","uniqueItems":true,"minItems":3,"items":{"type":"string"}},
          "ids":{"type":"array","uniqueItems":true,"minItems":3,"items":{"type":"integer","minimum":1,"maximum":3}},
          "cuts":{"type":"array","uniqueItems":true,"minItems":2,"items":{"type":"number","maximum":0,"multipleOf":0.25}},
          "modes":{"type":"array","uniqueItems":true,"minItems":2,"items":{"enum":["fast","exact","auto"]}},
          "flags":{"type":"array","uniqueItems":true,"minItems":2,"items":{"type":"boolean"}},
          "people":{"type":"array","uniqueItems":true,"minItems":2,"items":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}}},
         "required":["tags","ids","cuts","modes","flags","people"]}
        """#),
    ]

    @Test(.enabled(if: SDKConformanceTests.python != nil || SDKConformanceTests.required, "no .venv-test: run scripts/setup-test-tools"), .timeLimit(.minutes(1)))
    func madeUpArgumentsAreValidByTheReferenceValidator() async throws {
        let python = try #require(SDKConformanceTests.python, "LLMCHAOS_REQUIRE_TOOLS=1 but no .venv-test/bin/python: run scripts/setup-test-tools")
        var lines: [String] = []
        for (name, text) in Self.schemas {
            let schema = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            let instance = SchemaInstance(root: schema, hints: .init(question: "revenue by region?")).value()
            let line: JSONValue = ["name": .string(name), "schema": schema, "instance": instance]
            lines.append(line.jsonText)
        }
        // The control: a value the checker must refuse, or it proves nothing.
        lines.append(#"{"name":"control","schema":{"type":"integer","multipleOf":5},"instance":7}"#)
        let file = NSTemporaryDirectory() + "llmchaos-instances-\(UUID().uuidString).jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }

        let checker = SDKConformanceTests.root.appendingPathComponent("Tests/fixtures/check_instances.py").path
        let result = try await ExternalTool.run(python, [checker, file])
        let printed = result.stdout.split(separator: "\n").map(String.init)
        for (name, _) in Self.schemas {
            #expect(printed.contains("ok \(name)"), "\(result.stdout)\(result.stderr)\n\(lines.joined(separator: "\n"))")
        }
        #expect(printed.contains { $0.hasPrefix("invalid control:") }, "the checker refuses nothing: \(result.stdout)\(result.stderr)")
    }
}
