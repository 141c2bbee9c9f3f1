import Foundation

extension JSONValue {
    /// The object a prefix of compact JSON object text holds whole: the members
    /// that end before the cut, the one cut through left out. `{}` when none
    /// does, or the text is not an object.
    public static func parsing(completedPrefixOf text: String) -> JSONValue {
        let bytes = Array(text.utf8)
        if let whole = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) { return whole }
        guard bytes.first == 0x7B else { return .object([:]) }
        var depth = 0, inString = false, escaped = false
        var lastMemberEnd: Int?
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D: depth -= 1
            case 0x2C where depth == 1: lastMemberEnd = index
            default: break
            }
        }
        guard let end = lastMemberEnd else { return .object([:]) }
        let completed = Data(bytes[..<end] + [0x7D])
        return (try? JSONDecoder().decode(JSONValue.self, from: completed)) ?? .object([:])
    }
}
