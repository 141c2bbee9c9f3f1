import HTTPTypes
import Hummingbird
import NIOCore

/// An answer complete before it is sent: what both the fast path and Hummingbird
/// write, so the two cannot drift apart.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    var response: Response { Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body)) }
}
