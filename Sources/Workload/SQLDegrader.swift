import Foundation

/// Derives the wrong SQL a degraded model writes from the right SQL: the same
/// query with one realistic mistake. Every mode changes the answer; tests check
/// that for every golden question.
public enum SQLDegradation: String, Sendable, CaseIterable {
    /// A table that does not exist (`orders` for `sales`): fails to run.
    case hallucinatedTable = "hallucinated_table"
    /// A column that does not exist (`total_revenue`): fails to run.
    case hallucinatedColumn = "hallucinated_column"
    /// Runs, but filters the wrong rows: the other year, a negated condition, a
    /// flipped comparison, or a filter nobody asked for.
    case wrongFilter = "wrong_filter"
    /// Runs, but aggregates wrongly: AVG for SUM, COUNT(DISTINCT …) for COUNT(*), …
    case wrongAggregation = "wrong_aggregation"
    /// Does not parse.
    case syntaxError = "syntax_error"

    /// The golden SQL with this mode's mistake in it.
    public func apply(to sql: String) -> String {
        switch self {
        case .hallucinatedTable: SQLRewrite.hallucinateTable(sql)
        case .hallucinatedColumn: SQLRewrite.hallucinateColumn(sql)
        case .wrongFilter: SQLRewrite.wrongFilter(sql)
        case .wrongAggregation: SQLRewrite.wrongAggregation(sql)
        case .syntaxError: SQLRewrite.syntaxError(sql)
        }
    }
}

enum SQLRewrite {
    static let fakeTables = ["sales": "orders", "customers": "clients", "products": "product_catalog", "regions": "territories"]
    static let fakeColumns: [(String, String)] = [
        ("revenue", "total_revenue"), ("quantity", "qty"), ("sale_date", "order_date"), ("unit_price", "price"),
        ("category", "product_category"), ("segment", "customer_segment"), ("signup_date", "created_at"),
        ("discount", "discount_rate"), ("channel", "sales_channel"), ("name", "full_name"),
        ("region_id", "territory_id"), ("customer_id", "client_id"), ("product_id", "sku"),
    ]

    static func hallucinateTable(_ sql: String) -> String {
        guard let table = firstTable(in: sql), let fake = fakeTables[table] else { return sql }
        return replaceWord(table, with: fake, in: sql)
    }

    static func hallucinateColumn(_ sql: String) -> String {
        let found = fakeColumns.compactMap { pair in wordRanges(of: pair.0, in: sql).first.map { (pair, $0.lowerBound) } }
        if let first = found.min(by: { $0.1 < $1.1 }) {
            return replaceWord(first.0.0, with: first.0.1, in: sql)
        }
        let table = firstTable(in: sql) ?? "sales"
        return sql.replacingFirst("COUNT(*)", with: "COUNT(\(table)_id)")
    }

    static func wrongFilter(_ sql: String) -> String {
        if sql.contains("'2025-") || sql.contains("'2024-") {
            // Off by one year: the query that answers last year's question.
            let shift = sql.contains("'2024-") ? 1 : -1
            var out = sql
            let years = shift > 0 ? ["2026", "2025", "2024"] : ["2024", "2025", "2026"]
            for year in years { out = out.replacingAll("'\(year)-", with: "'\(Int(year)! + shift)-") }
            return out
        }
        if let range = sql.range(of: " = '") { return sql.replacingCharacters(in: range, with: " <> '") }
        if let range = sql.range(of: " > ") { return sql.replacingCharacters(in: range, with: " < ") }
        if sql.contains(" NOT IN ") { return sql.replacingFirst(" NOT IN ", with: " IN ") }
        guard let table = firstTable(in: sql) else { return sql }
        let alias = aliasOf(table, in: sql).map { $0 + "." } ?? ""
        let condition = switch table {
        case "sales": "\(alias)discount > 0"
        case "customers": "\(alias)segment = 'consumer'"
        case "products": "\(alias)category = 'Hardware'"
        default: "\(alias)id < 4"
        }
        return insertCondition(condition, afterTable: table, in: sql)
    }

    static func wrongAggregation(_ sql: String) -> String {
        let swaps: [(String, String)] = [
            ("COUNT(DISTINCT ", "COUNT("), ("SUM(", "AVG("), ("AVG(", "SUM("), ("MAX(", "MIN("), ("MIN(", "MAX("),
        ]
        var best: (String.Index, String, String)?
        for (from, to) in swaps {
            if let range = sql.range(of: from), best == nil || range.lowerBound < best!.0 { best = (range.lowerBound, from, to) }
        }
        if let countStar = sql.range(of: "COUNT(*)"), best == nil || countStar.lowerBound < best!.0 {
            let table = firstTable(in: sql) ?? "sales"
            let column = ["sales": "customer_id", "customers": "region_id", "products": "category"][table]
            return sql.replacingFirst("COUNT(*)", with: column.map { "COUNT(DISTINCT \($0))" } ?? "SUM(id)")
        }
        if let (_, from, to) = best { return sql.replacingFirst(from, with: to) }
        if sql.contains(" DESC") { return sql.replacingFirst(" DESC", with: " ASC") }
        if sql.contains("SELECT DISTINCT ") { return sql.replacingFirst("SELECT DISTINCT ", with: "SELECT ") }
        // A list where nobody asked for a count: aggregate the first selected column.
        guard let select = sql.range(of: "SELECT "), let from = sql.range(of: " FROM ", range: select.upperBound..<sql.endIndex) else { return sql }
        return String(sql[..<select.upperBound]) + "COUNT(" + sql[select.upperBound..<from.lowerBound] + ")" + sql[from.lowerBound...]
    }

    static func syntaxError(_ sql: String) -> String {
        // A dangling comma before FROM: the commonest way generated SQL fails to parse.
        sql.replacingFirst(" FROM ", with: ", FROM ")
    }

    // MARK: - Helpers

    static func firstTable(in sql: String) -> String? {
        var rest = Substring(sql)
        while let range = rest.range(of: "FROM ") {
            let after = rest[range.upperBound...]
            let word = after.prefix { $0.isLetter || $0 == "_" }
            if Self.fakeTables[String(word)] != nil { return String(word) }
            rest = after
        }
        return nil
    }

    static func aliasOf(_ table: String, in sql: String) -> String? {
        guard let range = sql.range(of: "FROM \(table) ") else { return nil }
        let word = sql[range.upperBound...].prefix { $0.isLetter }
        let keywords: Set<String> = ["WHERE", "GROUP", "ORDER", "LIMIT", "JOIN", "LEFT", "HAVING", "AS"]
        return word.isEmpty || keywords.contains(String(word)) ? nil : String(word)
    }

    /// Adds `condition` to the WHERE of the query level that reads `table`, or
    /// gives that level a WHERE.
    static func insertCondition(_ condition: String, afterTable table: String, in sql: String) -> String {
        guard let from = sql.range(of: "FROM \(table)") else { return sql }
        var depth = 0
        var index = from.upperBound
        let enders = [" GROUP BY", " ORDER BY", " LIMIT", " HAVING"]
        while index < sql.endIndex {
            let ch = sql[index]
            if ch == "(" { depth += 1 }
            if ch == ")" {
                if depth == 0 { break }
                depth -= 1
            }
            if depth == 0 {
                let rest = sql[index...]
                if rest.hasPrefix(" WHERE ") {
                    let at = sql.index(index, offsetBy: 7)
                    return String(sql[..<at]) + condition + " AND " + String(sql[at...])
                }
                if enders.contains(where: { rest.hasPrefix($0) }) { break }
            }
            index = sql.index(after: index)
        }
        return String(sql[..<index]) + " WHERE " + condition + String(sql[index...])
    }

    static func wordRanges(of word: String, in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var start = text.startIndex
        while let range = text.range(of: word, range: start..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !isWordChar(before), !isWordChar(after) { ranges.append(range) }
            start = range.upperBound
        }
        return ranges
    }

    static func replaceWord(_ word: String, with replacement: String, in text: String) -> String {
        var out = text
        for range in wordRanges(of: word, in: text).reversed() { out.replaceSubrange(range, with: replacement) }
        return out
    }

    private static func isWordChar(_ c: Character?) -> Bool {
        guard let c else { return false }
        return c.isLetter || c.isNumber || c == "_"
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
