import ChaosCore
import Foundation
import Scenario

/// Who is under test: the built-in pipeline, or the user's own service.
///
/// ```yaml
/// target: builtin
/// target:
///   command: python3 app.py          # started by the harness, stopped at the end (or omit: already running)
///   env: { APP_MODE: test }          # plus ANTHROPIC_BASE_URL and LLMCHAOS_ALERT_WEBHOOK, set by the harness
///   ready: http://127.0.0.1:9000/health
///   ready_timeout: 30s               # real time
///   request: { method: POST, url: "http://127.0.0.1:9000/query", body: '{"question": "{{question}}"}', headers: { content-type: application/json } }
///   served_by: { header: x-served-by }   # or { json: "$.served_by" }
///   degraded: { json: "$.degraded" }
///   sql: { json: "$.sql" }               # lets the harness grade answers by execution
///   allow_remote: false
/// ```
enum TargetSpec: Sendable {
    case builtin
    case external(ExternalTargetSpec)

    var summary: String {
        switch self {
        case .builtin: "builtin"
        case let .external(spec): spec.request.url
        }
    }

    static func parse(_ node: ConfigNode?, problems: ProblemCollector) -> TargetSpec? {
        guard let node else { return .builtin }
        if let text = node.scalarText, node.entries == nil {
            if text == "builtin" { return .builtin }
            problems.add("target must be 'builtin' or a mapping with request: and ready:, found '\(text)'", at: node)
            return nil
        }
        return ExternalTargetSpec.parse(node, problems: problems).map { .external($0) }
    }
}

/// Where to read a field of the target's answer: a header or a JSON path.
enum FieldSource: Sendable, Equatable {
    case header(String)
    /// `$.a.b`: keys from the root of a JSON object.
    case json([String])

    static func parse(_ node: ConfigNode, problems: ProblemCollector, what: String) -> FieldSource? {
        guard let reader = node.mapping(problems, what: what) else { return nil }
        let header = reader.optional("header")?.string(problems, what: "header")
        let json = reader.optional("json")
        reader.finish()
        if let header { return .header(header.lowercased()) }
        if let json, let path = json.string(problems, what: "json") {
            guard path.hasPrefix("$.") else {
                problems.add("json must be a path such as $.served_by", at: json)
                return nil
            }
            return .json(path.dropFirst(2).split(separator: ".").map(String.init))
        }
        problems.add("\(what) needs header: or json:", at: node)
        return nil
    }
}

struct ExternalTargetSpec: Sendable {
    struct Request: Sendable {
        var method = "POST"
        var url: String
        var body: String?
        var headers: [(String, String)] = []
    }

    var command: String?
    var environment: [String: String] = [:]
    var ready: String?
    var readyTimeout: Duration = .seconds(30)
    var request: Request
    var servedBy: FieldSource?
    var degraded: FieldSource?
    var sql: FieldSource?
    var allowRemote = false
    var location: SourceLocation

    static func parse(_ node: ConfigNode, problems: ProblemCollector) -> ExternalTargetSpec? {
        guard let reader = node.mapping(problems, what: "target") else { return nil }
        let command = reader.optional("command")?.string(problems, what: "command")
        var environment: [String: String] = [:]
        if let env = reader.optional("env") {
            if let entries = env.entries {
                for entry in entries { environment[entry.key] = entry.value.string(problems, what: "env.\(entry.key)") }
            } else { problems.add("env must map names to values", at: env) }
        }
        let ready = reader.optional("ready")?.string(problems, what: "ready")
        let readyTimeout = reader.optional("ready_timeout")?.duration(problems, what: "ready_timeout") ?? .seconds(30)
        let allowRemote = reader.optional("allow_remote")?.bool(problems, what: "allow_remote") ?? false
        var request: Request?
        if let node = reader.required("request"), let r = node.mapping(problems, what: "request") {
            let url = r.required("url")?.string(problems, what: "url")
            let method = r.optional("method")?.string(problems, what: "method")?.uppercased() ?? "POST"
            let body = r.optional("body")?.string(problems, what: "body")
            var headers: [(String, String)] = []
            if let h = r.optional("headers") {
                if let entries = h.entries {
                    for entry in entries { if let v = entry.value.string(problems, what: entry.key) { headers.append((entry.key, v)) } }
                } else { problems.add("headers must map names to values", at: h) }
            }
            r.finish()
            if let url { request = Request(method: method, url: url, body: body, headers: headers) }
        }
        let servedBy = reader.optional("served_by").flatMap { FieldSource.parse($0, problems: problems, what: "served_by") }
        let degraded = reader.optional("degraded").flatMap { FieldSource.parse($0, problems: problems, what: "degraded") }
        let sql = reader.optional("sql").flatMap { FieldSource.parse($0, problems: problems, what: "sql") }
        reader.finish()
        guard let request else { return nil }
        var spec = ExternalTargetSpec(
            command: command, environment: environment, ready: ready, readyTimeout: readyTimeout, request: request,
            servedBy: servedBy, degraded: degraded, sql: sql, allowRemote: allowRemote, location: node.location
        )
        for url in [spec.request.url] + (ready.map { [$0] } ?? []) {
            guard let host = URL(string: url.replacingOccurrences(of: "{{", with: "").replacingOccurrences(of: "}}", with: ""))?.host else {
                problems.add("'\(url)' is not a URL such as http://127.0.0.1:9000/query", at: node)
                continue
            }
            if !allowRemote, !Self.loopbackHosts.contains(host) {
                problems.add("\(host) is not on this machine: load goes only to loopback unless the target says allow_remote: true", at: node)
            }
        }
        spec.allowRemote = allowRemote
        return spec
    }

    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]
}
