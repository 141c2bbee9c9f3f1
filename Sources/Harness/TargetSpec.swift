import ChaosCore
import Foundation
import Load
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
///   variant: { header: x-prompt-version } # which version answered, for `rollback`
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

extension HTTPTarget.Field {
    /// Reads `{ header: x-served-by }` or `{ json: $.served_by }`.
    static func parse(_ node: ConfigNode, problems: ProblemCollector, what: String) -> HTTPTarget.Field? {
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
    var command: String?
    var environment: [String: String] = [:]
    var ready: String?
    var readyTimeout: Duration = .seconds(30)
    var request: HTTPTarget.Template
    var fields: HTTPTarget.Fields

    static func parse(_ node: ConfigNode, problems: ProblemCollector) -> ExternalTargetSpec? {
        guard let reader = node.mapping(problems, what: "target") else { return nil }
        let command = reader.optional("command")?.string(problems, what: "command")
        let environment = reader.optional("env").map { stringMap($0, problems: problems, what: "env") } ?? [:]
        let ready = reader.optional("ready")?.string(problems, what: "ready")
        let readyTimeout = reader.optional("ready_timeout")?.duration(problems, what: "ready_timeout") ?? .seconds(30)
        let allowRemote = reader.optional("allow_remote")?.bool(problems, what: "allow_remote") ?? false
        var request: HTTPTarget.Template?
        if let node = reader.required("request"), let r = node.mapping(problems, what: "request") {
            let url = r.required("url")?.string(problems, what: "url")
            let method = r.optional("method")?.string(problems, what: "method")?.uppercased() ?? "POST"
            let body = r.optional("body")?.string(problems, what: "body")
            let headers = r.optional("headers").map { stringMap($0, problems: problems, what: "headers") } ?? [:]
            r.finish()
            if let url { request = HTTPTarget.Template(method: method, url: url, body: body, headers: headers.sorted { $0.key < $1.key }) }
        }
        func field(_ key: String) -> HTTPTarget.Field? {
            reader.optional(key).flatMap { HTTPTarget.Field.parse($0, problems: problems, what: key) }
        }
        let fields = HTTPTarget.Fields(servedBy: field("served_by"), degraded: field("degraded"), sql: field("sql"), variant: field("variant"))
        reader.finish()
        guard let request else { return nil }
        let spec = ExternalTargetSpec(
            command: command, environment: environment, ready: ready, readyTimeout: readyTimeout, request: request,
            fields: fields
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
        return spec
    }

    /// A mapping of names to string values (`env:`, `headers:`).
    static func stringMap(_ node: ConfigNode, problems: ProblemCollector, what: String) -> [String: String] {
        guard let entries = node.entries else {
            problems.add("\(what) must map names to values", at: node)
            return [:]
        }
        var map: [String: String] = [:]
        for entry in entries { map[entry.key] = entry.value.string(problems, what: "\(what).\(entry.key)") }
        return map
    }

    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]
}
