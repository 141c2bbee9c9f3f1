import ChaosCore
import Foundation
import NIOCore
import NIOHTTP1

/// A service over HTTP, in any language, as a load target: each request is a
/// template filled with `{{question}}`, `{{request_id}}` and `{{tenant}}`; the
/// answer's status, served-by tier, degraded flag and SQL are read from headers or
/// JSON paths.
public struct HTTPTarget: LoadTarget {
    /// The request to send, with placeholders.
    public struct Template: Sendable {
        public var method: String
        public var url: String
        public var body: String?
        public var headers: [(String, String)]

        public init(method: String = "POST", url: String, body: String? = nil, headers: [(String, String)] = []) {
            self.method = method; self.url = url; self.body = body; self.headers = headers
        }
    }

    /// Where to read a field of the answer.
    public enum Field: Sendable, Equatable {
        case header(String)
        /// Keys from the root of a JSON object.
        case json([String])
    }

    /// Where the answer says what it is; each is optional.
    public struct Fields: Sendable, Equatable {
        public var servedBy: Field?
        public var degraded: Field?
        public var sql: Field?
        /// Which version answered (a canary, a prompt version, a build).
        public var variant: Field?
        public init(servedBy: Field? = nil, degraded: Field? = nil, sql: Field? = nil, variant: Field? = nil) {
            self.servedBy = servedBy; self.degraded = degraded; self.sql = sql; self.variant = variant
        }
    }

    public let http: LoadHTTPClient
    public let template: Template
    public let fields: Fields
    /// Real time a request may take before it counts as an error.
    public let timeout: Duration
    /// Times the tokens of a streamed answer.
    public let clock: any ScenarioClock
    /// Whether any field is read from the body: parsing it is the load generator's
    /// largest cost per request, skipped when nothing reads it.
    private let readsJSON: Bool
    private let method: HTTPMethod
    private let url: TemplateText
    /// The URL cut once, when it has no placeholder.
    private let fixedURL: RequestURL?
    private let plan: RequestPlan
    /// The question for a request: its id in the workload, and its text.
    let question: @Sendable (LoadRequest) -> (id: String, text: String)
    /// Grades served SQL against the question's ground truth.
    let grade: @Sendable (_ questionID: String, _ sql: String) async -> RequestRecord.Grade

    public init(
        http: LoadHTTPClient, template: Template, fields: Fields, timeout: Duration, clock: any ScenarioClock,
        question: @escaping @Sendable (LoadRequest) -> (id: String, text: String),
        grade: @escaping @Sendable (_ questionID: String, _ sql: String) async -> RequestRecord.Grade
    ) {
        self.http = http; self.template = template; self.fields = fields
        self.timeout = timeout; self.clock = clock; self.question = question; self.grade = grade
        url = TemplateText(template.url)
        fixedURL = url.constant.flatMap { try? RequestURL($0) }
        method = HTTPMethod(rawValue: template.method)
        plan = RequestPlan(method: method, headers: template.headers.map { ($0.0, TemplateText($0.1)) }, body: template.body.map(TemplateText.init))
        readsJSON = [fields.servedBy, fields.degraded, fields.sql, fields.variant].contains { if case .json? = $0 { true } else { false } }
    }

    public func send(_ request: LoadRequest) async -> LoadReply {
        let (questionID, text) = question(request)
        let values = TemplateText.Values(question: text, requestID: request.requestID, tenant: request.tenant)
        do {
            let sent = clock.now()
            let target = try fixedURL ?? RequestURL(url.fill(values, escape: TemplateText.urlEscape))
            let bytes = try plan.encode(values, url: target)
            let response = try await http.execute(method: method, url: target, encoded: bytes, timeout: timeout, clock: clock)
            var stream: TokenStream?
            let json: Any?
            if let chunks = response.timedChunks {
                var tokens = TokenStream(sent: sent)
                for (at, chunk) in chunks { tokens.feed(chunk.readableBytesView, at: at) }
                stream = tokens
                json = readsJSON ? tokens.lastJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } : nil
            } else {
                json = readsJSON ? try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) : nil
            }
            func read(_ field: Field?) -> String? {
                switch field {
                case let .header(name): response.headers.first(name: name)
                case let .json(path): Self.value(at: path, in: json)
                case nil: nil
                }
            }
            let status = response.status
            guard (200..<300).contains(status) else {
                return LoadReply(outcome: .error, servedBy: read(fields.servedBy), status: status, questionID: questionID,
                                 error: "HTTP \(status)", variant: read(fields.variant))
            }
            let isDegraded = read(fields.degraded).map(Self.truthy) ?? false
            var grade = RequestRecord.Grade.unknown
            if let sql = read(fields.sql), !sql.isEmpty { grade = await self.grade(questionID, sql) }
            return LoadReply(outcome: isDegraded ? .degraded : .ok, servedBy: read(fields.servedBy), status: status, grade: grade,
                             questionID: questionID, variant: read(fields.variant),
                             timeToFirstToken: stream?.timeToFirstToken, interTokenLatency: stream?.interTokenLatency)
        } catch {
            return LoadReply(outcome: .error, status: nil, questionID: questionID, error: "\(error)")
        }
    }

    public func executor(forWorker worker: Int) -> (any TaskExecutor)? { http.executor(forWorker: worker) }

    /// Every request waits on the network (a URL the template cannot make aside,
    /// which validation has ruled out), so closed-model users need not yield.
    public var suspendsOnEveryRequest: Bool { true }

    static func value(at path: [String], in json: Any?) -> String? {
        var current = json
        for key in path { current = (current as? [String: Any])?[key] }
        switch current {
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let number as NSNumber: return number.stringValue
        case is NSNull, nil: return nil
        default: return current.map { "\($0)" }
        }
    }

    static func truthy(_ text: String) -> Bool {
        !["", "false", "0", "no", "null", "none"].contains(text.lowercased())
    }
}
