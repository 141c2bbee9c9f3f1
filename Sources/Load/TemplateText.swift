import ChaosCore
import Foundation

/// A request template's string, cut once into literal text and placeholders, so
/// that filling it per request is concatenation. Filling with Foundation's
/// `replacingOccurrences`, once per placeholder, was 15 % of the load generator's
/// CPU; it also filled placeholders inside values already substituted.
struct TemplateText: Sendable {
    enum Placeholder: String, Sendable {
        case question, requestID = "request_id", tenant
    }

    /// The values of one request.
    struct Values: Sendable {
        var question: String
        var requestID: String
        var tenant: String

        /// Every value passed through `escape` once.
        func escaped(_ escape: (String) -> String) -> Values {
            Values(question: escape(question), requestID: escape(requestID), tenant: escape(tenant))
        }

        subscript(placeholder: Placeholder) -> String {
            switch placeholder {
            case .question: question
            case .requestID: requestID
            case .tenant: tenant
            }
        }
    }

    enum Piece: Sendable {
        case text(String)
        case value(Placeholder)
    }

    let pieces: [Piece]

    /// `{{name}}` for a known name becomes a placeholder; anything else stays text.
    init(_ template: String) {
        var pieces: [Piece] = []
        var literal = Substring()
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            literal += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}"), let placeholder = Placeholder(rawValue: String(afterOpen[..<close.lowerBound])) else {
                // Not a placeholder here; one may still start at the next brace.
                literal += "{"
                rest = rest[rest.index(after: open.lowerBound)...]
                continue
            }
            if !literal.isEmpty { pieces.append(.text(String(literal))) }
            literal = Substring()
            pieces.append(.value(placeholder))
            rest = afterOpen[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(String(literal))) }
        self.pieces = pieces
    }

    /// The text, when it has no placeholder.
    var constant: String? {
        if pieces.isEmpty { return "" }
        if pieces.count == 1, case let .text(text) = pieces[0] { return text }
        return nil
    }

    func fill(_ values: Values, escape: (String) -> String) -> String {
        if let constant { return constant }
        var out = ""
        for piece in pieces {
            switch piece {
            case let .text(text): out += text
            case let .value(placeholder): out += escape(values[placeholder])
            }
        }
        return out
    }

    /// A value inside a JSON string literal: the literal's escapes, without its quotes.
    /// Most values need none, and are then the same string, not a copy.
    static func jsonEscape(_ text: String) -> String {
        guard JSONText.needsEscaping(text) else { return text }
        return String(JSONText.quoted(text).dropFirst().dropLast())
    }

    static func urlEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowedInQuery) ?? text
    }

    private static let allowedInQuery = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?"))
}
