import NIOCore
import NIOHTTP1

/// A request as the bytes that go on the wire, head and body in one buffer, so
/// the connection writes it with one call.
///
/// The body is framed by `content-length`, which this sets: a caller's own
/// `content-length` or `transfer-encoding` would contradict it and is left out.
/// Header names must be tokens and values free of CR, LF and NUL, as NIO's
/// validator would require: a question filled into a header must not be able to
/// end the head early and smuggle a second request.
enum RequestBytes {
    static func encode(method: HTTPMethod, url: RequestURL, headers: HTTPHeaders, body: ByteBuffer?) throws(LoadHTTPClient.Failure) -> ByteBuffer {
        var size = url.target.utf8.count + url.hostHeader.utf8.count + 64 + (body?.readableBytes ?? 0)
        for (name, value) in headers { size += name.utf8.count + value.utf8.count + 4 }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeString(method.rawValue)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(url.target)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        var hasHost = false
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(ResponseParser.isTokenByte),
                  RequestPlan.fitsInHeader(value) else { throw .badHeader(name) }
            if ResponseParser.equalsLowercased(name.utf8, "content-length") || ResponseParser.equalsLowercased(name.utf8, "transfer-encoding") { continue }
            if ResponseParser.equalsLowercased(name.utf8, "host") { hasHost = true }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if !hasHost {
            buffer.writeStaticString("host: ")
            buffer.writeString(url.hostHeader)
            buffer.writeStaticString("\r\n")
        }
        if let body {
            buffer.writeStaticString("content-length: ")
            buffer.writeString(String(body.readableBytes))
            buffer.writeStaticString("\r\n\r\n")
            buffer.writeImmutableBuffer(body)
        } else if method == .POST || method == .PUT || method == .PATCH {
            buffer.writeStaticString("content-length: 0\r\n\r\n")
        } else {
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }
}
