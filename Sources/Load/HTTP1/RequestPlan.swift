import ChaosCore
import NIOCore
import NIOHTTP1

/// A target's request template cut once into the bytes every request shares and
/// the places its values go, so that a request is one buffer written in one pass.
/// Filling the template as strings, collecting them in `HTTPHeaders` and encoding
/// those with ``RequestBytes`` made several strings and arrays per request.
///
/// The bytes are the ones ``RequestBytes`` writes for the same request: the
/// template's headers in order; `x-llmchaos-request`, and `content-type:
/// application/json` with a body, unless the template sets them; `host` unless it
/// does; the body's length. A header that can never be sent, or whose filled-in
/// value holds CR, LF or NUL, fails the request at the same header.
struct RequestPlan: Sendable {
    private enum Piece: Sendable {
        case bytes([UInt8])
        case target
        case hostHeader
        /// Filled in as it is, and checked.
        case headerValue(TemplateText.Placeholder, header: String)
        /// Checked only: a header left out of the request.
        case check(TemplateText.Placeholder, header: String)
        /// A header that can never be sent: it fails every request when reached.
        case invalid(header: String)
    }

    private enum BodyPiece: Sendable {
        case bytes([UInt8])
        /// Escaped for a JSON string literal.
        case value(TemplateText.Placeholder)
    }

    private let head: [Piece]
    private let body: [BodyPiece]?
    private let method: HTTPMethod
    private let headBytes: Int

    init(method: HTTPMethod, headers: [(String, TemplateText)], body: TemplateText?) {
        var head: [Piece] = []
        func add(_ text: String) {
            if case let .bytes(bytes)? = head.last {
                head[head.count - 1] = .bytes(bytes + Array(text.utf8))
            } else {
                head.append(.bytes(Array(text.utf8)))
            }
        }
        add(method.rawValue + " ")
        head.append(.target)
        add(" HTTP/1.1\r\n")
        func named(_ name: StaticString) -> Bool { headers.contains { ResponseParser.equalsLowercased($0.0.utf8, name) } }
        for (name, value) in headers {
            let literalsValid = value.pieces.allSatisfy { if case let .text(text) = $0 { Self.fitsInHeader(text) } else { true } }
            guard !name.isEmpty, name.utf8.allSatisfy(ResponseParser.isTokenByte), literalsValid else {
                head.append(.invalid(header: name))
                continue
            }
            let checked = value.pieces.compactMap { if case let .value(placeholder) = $0 { placeholder } else { nil } }
            if ResponseParser.equalsLowercased(name.utf8, "content-length") || ResponseParser.equalsLowercased(name.utf8, "transfer-encoding") {
                // Left out, as RequestBytes leaves them; their values are still checked.
                head += checked.map { .check($0, header: name) }
                continue
            }
            add(name + ": ")
            for piece in value.pieces {
                switch piece {
                case let .text(text): add(text)
                case let .value(placeholder): head.append(.headerValue(placeholder, header: name))
                }
            }
            add("\r\n")
        }
        if !named("x-llmchaos-request") {
            add("x-llmchaos-request: ")
            head.append(.headerValue(.requestID, header: "x-llmchaos-request"))
            add("\r\n")
        }
        if body != nil, !named("content-type") { add("content-type: application/json\r\n") }
        if !named("host") {
            add("host: ")
            head.append(.hostHeader)
            add("\r\n")
        }
        self.head = head
        self.body = body.map { template in
            template.pieces.map { piece -> BodyPiece in
                switch piece {
                case let .text(text): .bytes(Array(text.utf8))
                case let .value(placeholder): .value(placeholder)
                }
            }
        }
        self.method = method
        headBytes = head.reduce(0) { if case let .bytes(bytes) = $1 { $0 + bytes.count } else { $0 } }
    }

    /// The request's bytes, with `values` filled in, for `url`.
    func encode(_ values: TemplateText.Values, url: RequestURL) throws(LoadHTTPClient.Failure) -> ByteBuffer {
        // Escaped once, for the length and then the bytes; most values need no escape
        // and are the same strings.
        let inBody = body == nil ? values : values.escaped(TemplateText.jsonEscape)
        var bodyLength = 0
        for piece in body ?? [] {
            switch piece {
            case let .bytes(bytes): bodyLength += bytes.count
            case let .value(placeholder): bodyLength += inBody[placeholder].utf8.count
            }
        }
        let headValueBytes = values.question.utf8.count + values.requestID.utf8.count + values.tenant.utf8.count
        var buffer = ByteBufferAllocator().buffer(capacity: headBytes + url.target.utf8.count + url.hostHeader.utf8.count + headValueBytes + bodyLength + 32)
        for piece in head {
            switch piece {
            case let .bytes(bytes): buffer.writeBytes(bytes)
            case .target: buffer.writeString(url.target)
            case .hostHeader: buffer.writeString(url.hostHeader)
            case let .headerValue(placeholder, header):
                let value = values[placeholder]
                guard Self.fitsInHeader(value) else { throw .badHeader(header) }
                buffer.writeString(value)
            case let .check(placeholder, header):
                guard Self.fitsInHeader(values[placeholder]) else { throw .badHeader(header) }
            case let .invalid(header): throw .badHeader(header)
            }
        }
        if let body {
            buffer.writeStaticString("content-length: ")
            buffer.writeString(String(bodyLength))
            buffer.writeStaticString("\r\n\r\n")
            for piece in body {
                switch piece {
                case let .bytes(bytes): buffer.writeBytes(bytes)
                case let .value(placeholder): buffer.writeString(inBody[placeholder])
                }
            }
        } else if method == .POST || method == .PUT || method == .PATCH {
            buffer.writeStaticString("content-length: 0\r\n\r\n")
        } else {
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }

    /// No CR, LF or NUL, which would end the head early or be refused.
    static func fitsInHeader(_ value: String) -> Bool {
        !value.containsUTF8Byte { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
