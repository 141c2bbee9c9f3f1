import ChaosCore
@testable import Load
import NIOCore
import NIOHTTP1
import Testing

/// The load client's own HTTP/1.1 answer reader, over answers drawn at random in
/// every framing and cut into pieces at random places, as a socket delivers them:
/// it must find exactly the status, fields and body that were sent, and where
/// each answer ends.
@Suite struct ResponseParserTests {
    struct Drawn {
        var bytes: [UInt8]
        var status: Int
        var fields: [(String, String)]
        var body: [UInt8]
        var keepAlive: Bool
        var endsWithConnection: Bool
        var eventStream: Bool
    }

    static func draw(_ random: inout SeededRandom, head: Bool = false) -> Drawn {
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func spaces() -> String { pick(["", " ", "  ", "\t", " \t"]) }
        let minor = pick([1, 1, 1, 0])
        let status = pick([200, 200, 201, 204, 304, 400, 429, 500, 529])
        let body = (0..<Int(random.next() % 300)).map { _ in UInt8(random.next() % 256) }
        let framing = status == 204 || status == 304 ? "none" : pick(["length", "length", "chunked", "close"])
        let contentType = pick(["application/json", "application/json", "text/event-stream", "Text/Event-Stream; charset=utf-8"])
        var fields: [(String, String)] = [(pick(["content-type", "Content-Type"]), contentType), ("x-served-by", pick(["claude-opus-4-7", "cache"]))]
        var text = ""
        for _ in 0..<Int(random.next() % 3) { text += "HTTP/1.1 \(pick([100, 102, 103])) Interim\r\nlink: </a>\r\n\r\n" }
        var keepAlive = minor == 1
        switch pick(["", "close", "keep-alive", "Keep-Alive, x"]) {
        case "close": fields.append(("Connection", "close")); keepAlive = false
        case "": break
        case let token: fields.append(("connection", token)); keepAlive = true
        }
        var payload: [UInt8] = []
        // The answer to a HEAD says how long its body would be, and has none.
        if head || framing == "length" { fields.append((pick(["content-length", "Content-Length"]), "\(body.count)")) }
        if framing == "chunked", !head { fields.append(("transfer-encoding", pick(["chunked", "Chunked", "gzip, chunked"]))) }
        if framing == "close", !head { keepAlive = false }
        text += "HTTP/1.\(minor) \(status)\(pick([" OK", " ", ""]))\r\n"
        for (name, value) in fields { text += "\(name):\(spaces())\(value)\(spaces())\r\n" }
        text += "\r\n"
        if !head, framing != "none" {
            if framing == "chunked" {
                var rest = body[...]
                while !rest.isEmpty {
                    let size = min(rest.count, 1 + Int(random.next() % 80))
                    payload += Array((String(size, radix: 16, uppercase: random.next() % 2 == 0) + pick(["", ";ext=1"]) + "\r\n").utf8)
                    payload += rest.prefix(size) + Array("\r\n".utf8)
                    rest = rest.dropFirst(size)
                }
                payload += Array(("0\r\n" + pick(["", "trailer-field: 1\r\n"]) + "\r\n").utf8)
            } else {
                payload = body
            }
        }
        let answersBody = !head && framing != "none"
        return Drawn(bytes: Array(text.utf8) + payload, status: status,
                     fields: fields.map { ($0.0, $0.1) }, body: answersBody ? body : [],
                     keepAlive: keepAlive, endsWithConnection: answersBody && framing == "close",
                     eventStream: contentType.lowercased().hasPrefix("text/event-stream"))
    }

    /// Feeds `bytes` in pieces cut at random and collects what the parser returns.
    static func parse(_ bytes: [UInt8], parser: inout ResponseParser, random: inout SeededRandom) throws -> [ResponseParser.Part] {
        var parts: [ResponseParser.Part] = []
        var buffer = ByteBuffer()
        var offset = 0
        while offset < bytes.count {
            let size = min(bytes.count - offset, 1 + Int(random.next() % 40))
            buffer.writeBytes(bytes[offset..<(offset + size)])
            offset += size
            while let part = try parser.next(&buffer) { parts.append(part) }
        }
        #expect(buffer.readableBytes == 0)
        return parts
    }

    @Test func drawnAnswersInRandomPiecesAreReadExactly() throws {
        var random = SeededRandom("response-parser")
        for round in 0..<600 {
            let head = round % 10 == 9
            let drawn = Self.draw(&random, head: head)
            var parser = ResponseParser()
            parser.answersHead = head
            let parts = try Self.parse(drawn.bytes, parser: &parser, random: &random)
            let context = "round \(round): \(String(decoding: drawn.bytes.prefix(200), as: UTF8.self))"
            guard case let .head(status, headers, keepAlive, eventStream)? = parts.first else { Issue.record("no head: \(context)"); return }
            #expect(status == drawn.status, "\(context)")
            #expect(keepAlive == drawn.keepAlive, "\(context)")
            #expect(eventStream == drawn.eventStream, "\(context)")
            #expect(headers.count == drawn.fields.count, "\(context)")
            #expect(headers.map(\.name) == drawn.fields.map(\.0), "\(context)")
            for (name, value) in drawn.fields {
                #expect(headers[name.uppercased()] == [value], "\(name) in \(context)")
                #expect(headers.first(name: name) == value, "\(name) in \(context)")
            }
            #expect(headers.first(name: "x-served") == nil, "\(context)")
            var body: [UInt8] = []
            for case let .body(piece) in parts { body += piece.readableBytesView }
            #expect(body == drawn.body, "\(context)")
            let ended = parts.last.map { if case .end = $0 { true } else { false } } ?? false
            #expect(ended == !drawn.endsWithConnection, "\(context)")
            #expect(parser.endsWithConnection == drawn.endsWithConnection, "\(context)")
        }
    }

    @Test func answersBackToBackOnOneConnectionAreTwoAnswers() throws {
        var random = SeededRandom("back-to-back")
        let first = Array("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfirst".utf8)
        let second = Array("HTTP/1.1 503 Busy\r\ntransfer-encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n".utf8)
        var parser = ResponseParser()
        let parts = try Self.parse(first + second, parser: &parser, random: &random)
        let summary = parts.map { part -> String in
            switch part {
            case let .head(status, _, _, _): "head \(status)"
            case let .body(piece): String(buffer: piece)
            case .end: "end"
            }
        }
        #expect(summary.filter { $0.hasPrefix("head") || $0 == "end" } == ["head 200", "end", "head 503", "end"])
        #expect(summary.filter { !$0.hasPrefix("head") && $0 != "end" }.joined() == "firstsecond")
    }

    @Test func aListOfEqualLengthsIsOneLength() throws {
        var parser = ResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 5 , 5\r\n\r\nhello")
        var body = ""
        while let part = try parser.next(&buffer) {
            if case let .body(piece) = part { body += String(buffer: piece) }
            if case .end = part { break }
        }
        #expect(body == "hello")
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\ncontent-length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nx: a\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nbad name: 1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: 5, 6\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabXY",
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\nab\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n",
    ])
    func malformedAnswersAreRefused(text: String) {
        var parser = ResponseParser()
        var buffer = ByteBuffer(string: text)
        #expect(throws: LoadHTTPClient.Failure.self) { while try parser.next(&buffer) != nil {} }
    }

    @Test func aHeadThatNeverEndsIsRefusedAtItsLimit() throws {
        var parser = ResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
        while buffer.readableBytes <= ResponseParser.maxHeadBytes {
            #expect(try parser.next(&buffer) == nil)
            buffer.writeString("x-filler: " + String(repeating: "a", count: 100) + "\r\n")
        }
        #expect(throws: LoadHTTPClient.Failure.self) { try parser.next(&buffer) }
    }

    @Test func aRequestIsWrittenAsOneHeadAndBody() throws {
        let url = try RequestURL("http://[::1]:9000/v1/messages?beta=true")
        let headers: HTTPHeaders = ["x-api-key": "sk", "Content-Length": "999", "transfer-encoding": "chunked"]
        let bytes = try RequestBytes.encode(method: .POST, url: url, headers: headers, body: ByteBuffer(string: "{}"))
        #expect(String(buffer: bytes) == "POST /v1/messages?beta=true HTTP/1.1\r\nx-api-key: sk\r\nhost: [::1]:9000\r\ncontent-length: 2\r\n\r\n{}")
        let get = try RequestBytes.encode(method: .GET, url: url, headers: ["Host": "example.test"], body: nil)
        #expect(String(buffer: get) == "GET /v1/messages?beta=true HTTP/1.1\r\nHost: example.test\r\n\r\n")
        let empty = try RequestBytes.encode(method: .POST, url: url, headers: [:], body: nil)
        #expect(String(buffer: empty).hasSuffix("content-length: 0\r\n\r\n"))
    }

    @Test(arguments: [("x-question", "two\r\nlines"), ("x-question", "nul\0"), ("bad name", "v"), ("", "v")])
    func aHeaderThatWouldBreakTheHeadIsRefused(name: String, value: String) throws {
        let url = try RequestURL("http://127.0.0.1:1/")
        #expect(throws: LoadHTTPClient.Failure.badHeader(name)) {
            try RequestBytes.encode(method: .POST, url: url, headers: [name: value], body: nil)
        }
    }
}
