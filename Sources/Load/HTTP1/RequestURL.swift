/// An absolute `http://` or `https://` URL cut into what one request needs: where
/// to connect, and the request target and `host` header to send.
struct RequestURL: Sendable, Equatable {
    struct Origin: Sendable, Hashable {
        var tls: Bool
        /// A name or an address; IPv6 without its brackets.
        var host: String
        var port: Int
    }

    var origin: Origin
    /// Path and query, at least `/`; the fragment is not sent.
    var target: String
    /// The authority as written, for the `host` header.
    var hostHeader: String

    init(_ text: String) throws(LoadHTTPClient.Failure) {
        let tls: Bool
        var rest: Substring
        if text.lowercased().hasPrefix("http://") { tls = false; rest = text.dropFirst(7) }
        else if text.lowercased().hasPrefix("https://") { tls = true; rest = text.dropFirst(8) }
        else { throw .badURL(text, "it must start with http:// or https://") }
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw .badURL(text, "credentials in the URL are not sent; give an authorization header instead") }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .badURL(text, "an IPv6 address needs its closing ]") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .badURL(text, "unexpected text after the IPv6 address") }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .badURL(text, "it names no host") }
        var port = tls ? 443 : 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw .badURL(text, "the port must be a number from 1 to 65535") }
            port = value
        }
        let path = rest[authorityEnd...]
        origin = Origin(tls: tls, host: String(host), port: port)
        target = path.hasPrefix("/") ? String(path) : "/" + path
        hostHeader = String(authority)
    }
}
