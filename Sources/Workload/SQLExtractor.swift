import ChaosCore

/// Pulls the SQL out of a model's answer: a ```sql fenced block, any fenced block,
/// or the text from the first SELECT or WITH to the end.
public enum SQLExtractor {
    public static func extract(from answer: String) -> String? {
        if let fenced = fencedBlock(in: answer) { return fenced }
        let upper = answer.uppercased()
        for keyword in ["SELECT ", "WITH "] {
            if let range = upper.range(of: keyword),
               range.lowerBound == upper.startIndex || upper[upper.index(before: range.lowerBound)].isWhitespace {
                let offset = upper.distance(from: upper.startIndex, to: range.lowerBound)
                let sql = String(answer.dropFirst(offset)).trimmingWhitespace()
                return sql.hasSuffix(";") ? String(sql.dropLast()) : sql
            }
        }
        return nil
    }

    private static func fencedBlock(in text: String) -> String? {
        guard let open = text.range(of: "```") else { return nil }
        var body = text[open.upperBound...]
        if let newline = body.firstIndex(of: "\n") { body = body[body.index(after: newline)...] }
        guard let close = body.range(of: "```") else { return nil }
        var sql = String(body[..<close.lowerBound]).trimmingWhitespace()
        if sql.hasSuffix(";") { sql.removeLast() }
        return sql.isEmpty ? nil : sql
    }
}
