/// An absolute `http://` or `https://` URL cut into what one request needs: where
/// to connect, and the request target and `host` header to send. Cut on UTF-8
/// bytes: Foundation's `hasPrefix` and `range(of:)` made this 7 % of the load
/// generator's CPU when it ran per request.
public struct RequestURL: Sendable, Equatable {
    public struct Origin: Sendable, Hashable {
        public var tls: Bool
        /// A name or an address; IPv6 without its brackets.
        public var host: String
        public var port: Int
    }

    public var origin: Origin
    /// Path and query, at least `/`; the fragment is not sent.
    public var target: String
    /// The authority as written, for the `host` header.
    public var hostHeader: String

    public init(_ text: String) throws(LoadHTTPClient.Failure) {
        let bytes = Array(text.utf8)
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        func starts(with prefix: String) -> Bool {
            let prefix = Array(prefix.utf8)
            return bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { lower($0) == $1 }
        }
        let tls: Bool
        let start: Int
        if starts(with: "http://") { tls = false; start = 7 }
        else if starts(with: "https://") { tls = true; start = 8 }
        else { throw .badURL(text, "it must start with http:// or https://") }
        let end = bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        let authorityEnd = bytes[start..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        let authority = bytes[start..<authorityEnd]
        guard !authority.contains(UInt8(ascii: "@")) else { throw .badURL(text, "credentials in the URL are not sent; give an authorization header instead") }
        var host = authority
        var portBytes: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw .badURL(text, "an IPv6 address needs its closing ]") }
            host = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if after.first == UInt8(ascii: ":") { portBytes = after.dropFirst() } else if !after.isEmpty { throw .badURL(text, "unexpected text after the IPv6 address") }
        } else if let colon = authority.lastIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
            portBytes = authority[(colon + 1)...]
        }
        guard !host.isEmpty else { throw .badURL(text, "it names no host") }
        var port = tls ? 443 : 80
        if let portBytes {
            guard let value = Int(String(decoding: portBytes, as: UTF8.self)), (1...65535).contains(value) else {
                throw .badURL(text, "the port must be a number from 1 to 65535")
            }
            port = value
        }
        origin = Origin(tls: tls, host: String(decoding: host, as: UTF8.self), port: port)
        let path = String(decoding: bytes[authorityEnd..<end], as: UTF8.self)
        target = path.utf8.first == UInt8(ascii: "/") ? path : "/" + path
        hostHeader = String(decoding: authority, as: UTF8.self)
    }
}
