import ChaosCore
import Faults
import Foundation
import Verdicts

/// The JSON Schema (draft 2020-12) of scenario files, for editors to complete and
/// check them. Fault and expectation kinds come from their registries, so the
/// schema names exactly what `validate` accepts; the finer rules (a duration's
/// units, a fault name that exists) are `validate`'s, with line numbers.
public enum ScenarioSchema {
    static var duration: JSONValue { [
        "type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ms|us|µs|ns|s|m|h|d))+$",
        "description": "scenario time, such as 500ms, 2s, 1m30s",
    ] }
    static var rate: JSONValue { ["type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?/(s|sec|m|min|h)$", "description": "a rate such as 20/s"] }
    static var probability: JSONValue { ["oneOf": [["type": "number", "minimum": 0, "maximum": 1], ["type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$"]]] }

    static func object(_ properties: JSONValue, required: [String] = [], description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": properties, "additionalProperties": false]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static var fault: JSONValue {
        let kinds = JSONValue.array(FaultRegistry.kinds.map(JSONValue.string))
        // `inject: overloaded`, `inject: { status: 503 }`, or one kind with a
        // `probability` beside it: `inject: { status: 503, probability: 0.5 }`.
        let inject: JSONValue = ["oneOf": [
            ["type": "string", "enum": kinds],
            [
                "type": "object",
                "description": .string("exactly one fault: " + FaultRegistry.kinds.joined(separator: ", ") + "; optionally its probability beside it"),
                "propertyNames": ["enum": .array(FaultRegistry.kinds.map(JSONValue.string) + ["probability"])],
                "properties": ["probability": probability, "status": ["type": ["object", "null", "integer"]]],
                "additionalProperties": ["type": ["object", "null"]],
                "if": ["required": ["probability"]],
                "then": ["minProperties": 2, "maxProperties": 2],
                "else": ["minProperties": 1, "maxProperties": 1],
            ],
        ]]
        return object([
            "name": ["type": "string"], "at": duration, "for": duration,
            "ramp": ["oneOf": [duration, object(["up": duration, "down": duration])]],
            "probability": probability,
            "match": object([
                "model": ["type": ["string", "array"]], "provider": ["type": ["string", "array"]], "api_key": ["type": ["string", "array"]],
                "path": ["type": "string"], "header": ["type": "object"], "stream": ["type": "boolean"], "batch": ["type": "boolean"],
                "attempts": ["type": ["string", "integer", "array"]], "input_tokens": ["type": ["string", "integer", "array"]],
            ]),
            "inject": inject,
        ], required: ["inject"])
    }

    static var expectation: JSONValue {
        [
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "description": .string("exactly one expectation: " + ExpectationRegistry.kinds.joined(separator: ", ")),
            "propertyNames": ["enum": .array(ExpectationRegistry.kinds.map(JSONValue.string))],
        ]
    }

    static var target: JSONValue {
        let field = object(["header": ["type": "string"], "json": ["type": "string", "pattern": "^\\$\\."]])
        return [
            "oneOf": [
                ["const": "builtin"],
                object([
                    "command": ["type": "string"], "env": ["type": "object", "additionalProperties": ["type": "string"]],
                    "ready": ["type": "string"], "ready_timeout": duration, "allow_remote": ["type": "boolean"],
                    "request": object([
                        "method": ["type": "string"], "url": ["type": "string"], "body": ["type": "string"],
                        "headers": ["type": "object", "additionalProperties": ["type": "string"]],
                    ], required: ["url"]),
                    "served_by": field, "degraded": field, "sql": field, "variant": field,
                ], required: ["request"]),
            ],
        ]
    }

    static var load: JSONValue {
        let stage: JSONValue = ["oneOf": [object(["to": rate, "over": duration], required: ["to", "over"]), object(["hold": duration], required: ["hold"])]]
        return object([
            "workload": ["enum": ["analytics"]],
            "arrival": ["oneOf": [
                object(["rate": rate], required: ["rate"]),
                object(["rate": rate, "poisson": ["const": true]], required: ["rate", "poisson"]),
                object(["start": rate, "stages": ["type": "array", "items": stage, "minItems": 1]], required: ["stages"]),
                object(["concurrency": ["type": "integer", "minimum": 1], "think": duration], required: ["concurrency"]),
            ]],
            "max_in_flight": ["type": "integer", "minimum": 1], "max_requests": ["type": "integer", "minimum": 1],
            "tenants": ["type": "array", "items": ["type": "string"], "minItems": 1],
        ])
    }

    static var pipeline: JSONValue {
        let dollars: JSONValue = ["type": "number", "minimum": 0, "description": "US dollars per million tokens"]
        let tier: JSONValue = ["oneOf": [
            ["type": "string"],
            object(["model": ["type": "string"], "timeout": duration, "latency_budget": duration, "stream": ["type": "boolean"], "max_tokens": ["type": "integer"], "min_confidence": probability], required: ["model"]),
        ]]
        return object([
            "tiers": ["type": "array", "items": tier, "minItems": 1], "timeout": duration, "latency_budget": duration, "stream": ["type": "boolean"],
            "retry": object(["max_attempts": ["type": "integer", "minimum": 1], "base": duration, "cap": duration, "max_wait": duration, "jitter": ["enum": ["full", "equal", "none"]]]),
            "retry_budget": object(["ratio": ["type": "number"], "reserve": ["type": "number"]]),
            "circuit_breaker": object(["threshold": ["type": "integer", "minimum": 1], "cool_down": duration]),
            "cache_ttl": duration,
            "quality_monitor": object(["every": ["type": "integer", "minimum": 0], "window": ["type": "integer", "minimum": 1], "threshold": probability, "judge_model": ["type": "string"]]),
            "alerts": ["type": "object", "additionalProperties": object(["threshold": ["type": "number"], "resolve_threshold": ["type": "number"], "window": duration, "min_samples": ["type": "integer", "minimum": 1]])],
            "prompt_caching": ["type": "boolean"], "semantic_check": ["type": "boolean"], "route_by_complexity": ["type": "boolean"],
            "prompts": object(["directory": ["type": "string"], "version": ["type": "string"]], required: ["directory"]),
            "cost_baseline": ["type": ["string", "number"]],
            "prices": ["type": "object", "additionalProperties": object(
                ["input": dollars, "output": dollars, "cache_write": dollars, "cache_read": dollars], required: ["input", "output"]
            )],
            "canary": object(["prompt_version": ["type": "string"], "model": ["type": "string"], "steps": ["type": "array", "items": probability, "minItems": 1], "step_every": duration]),
            "flags": object(["disabled_models": ["type": "array", "items": ["type": "string"]]]),
        ])
    }

    /// The schema as a dictionary.
    public static var document: JSONValue {
        guard case var .object(root) = object([
            "name": ["type": "string"], "description": ["type": "string"],
            "seed": ["type": "integer", "minimum": 0], "duration": duration,
            "time_scale": ["type": "number", "exclusiveMinimum": 0],
            "api_date": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "the day whose API the mock plays: models retired by then are 404s"],
            "target": target, "pipeline": pipeline, "load": load,
            "faults": ["type": "array", "items": fault],
            "expect": ["type": "array", "items": expectation],
        ], required: ["name", "duration"], description: "An llmchaos scenario: faults, load, target and expectations. Durations are scenario time.") else { return .null }
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$id"] = "https://llmchaos.dev/schema/scenario.json"
        root["title"] = "llmchaos scenario"
        return .object(root)
    }

    /// The schema as pretty-printed JSON.
    public static var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(document), as: UTF8.self)) ?? "{}"
    }
}
