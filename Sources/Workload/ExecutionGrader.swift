import Foundation
import GRDB
import Synchronization

/// Execution accuracy: a candidate query is right when it returns the same rows as
/// the golden query. Rows are compared as a multiset unless the question orders
/// them; numbers are compared to 4 decimal places; a candidate whose columns are a
/// permutation of the golden ones still counts (column order is not the question).
public struct ExecutionGrader: Sendable {
    public let dataset: AnalyticsDataset
    /// Rows read at most from a candidate, so a runaway cross join cannot stall a grader.
    public var rowLimit = 10_000
    /// The data set never changes, so each golden query's rows are read once:
    /// a load test grades every answer, and would otherwise run the golden SQL
    /// again for each one on the database's single queue.
    private let goldenRows = GoldenRows()

    public init(dataset: AnalyticsDataset) { self.dataset = dataset }

    /// Runs `sql` read-only and returns its rows, or the database's error.
    public func rows(of sql: String) async -> Result<[[ResultValue]], GradeError> {
        await table(of: sql).rows
    }

    /// Runs `sql` read-only, in one trip to the database: the column names (empty
    /// when it does not prepare) and its rows, or the database's error.
    public func table(of sql: String) async -> (columns: [String], rows: Result<[[ResultValue]], GradeError>) {
        let limit = rowLimit
        do {
            return try await dataset.read { db in
                let statement = try db.makeStatement(sql: sql)
                let columns = statement.columnNames
                guard statement.isReadonly else { return (columns, .failure(GradeError.notReadOnly)) }
                do {
                    var out: [[ResultValue]] = []
                    let cursor = try Row.fetchCursor(statement)
                    while let row = try cursor.next() {
                        out.append(row.databaseValues.map(ResultValue.init))
                        if out.count >= limit { break }
                    }
                    return (columns, .success(out))
                } catch {
                    return (columns, .failure(Self.gradeError(error)))
                }
            }
        } catch {
            return ([], .failure(Self.gradeError(error)))
        }
    }

    private static func gradeError(_ error: any Error) -> GradeError {
        switch error {
        case let error as GradeError: error
        case let error as DatabaseError: .sql(error.message ?? "\(error)")
        default: .sql("\(error)")
        }
    }

    /// Grades `candidate` against the golden query of `question`.
    public func grade(_ candidate: String, against question: GoldenQuestion) async -> Grade {
        // The same query on the same unchanging data returns the same rows; most
        // answers in a load test are the golden SQL itself.
        if Self.normalised(candidate) == Self.normalised(question.sql) { return .correct }
        let golden: [[ResultValue]]
        if let cached = goldenRows[question.id] {
            golden = cached
        } else {
            switch await rows(of: question.sql) {
            case let .success(rows): golden = rows; goldenRows[question.id] = rows
            case let .failure(error): return .failed("the golden query failed: \(error)")
            }
        }
        switch await rows(of: candidate) {
        case let .failure(error): return .failed("\(error)")
        case let .success(rows): return Self.compare(rows, golden, ordered: question.ordered)
        }
    }

    /// Only what cannot change the rows: whitespace and semicolons at either end
    /// (inside, whitespace could sit in a string literal).
    static func normalised(_ sql: String) -> Substring {
        let trim: (Character) -> Bool = { $0.isWhitespace || $0 == ";" }
        let text = Substring(sql)
        guard let first = text.firstIndex(where: { !trim($0) }), let last = text.lastIndex(where: { !trim($0) }) else { return "" }
        return text[first...last]
    }

    static func compare(_ candidate: [[ResultValue]], _ golden: [[ResultValue]], ordered: Bool) -> Grade {
        guard candidate.count == golden.count else {
            return .wrong("returned \(candidate.count) rows, expected \(golden.count)")
        }
        let width = golden.first?.count ?? 0
        guard candidate.allSatisfy({ $0.count == width }) || candidate.isEmpty else {
            return .wrong("returned \(candidate.first?.count ?? 0) columns, expected \(width)")
        }
        for permutation in permutations(of: width) {
            let permuted = candidate.map { row in permutation.map { row[$0] } }
            if ordered ? permuted == golden : sameMultiset(permuted, golden) { return .correct }
        }
        return .wrong("returned different values")
    }

    private static func sameMultiset(_ a: [[ResultValue]], _ b: [[ResultValue]]) -> Bool {
        a.sorted(by: ResultValue.rowOrder) == b.sorted(by: ResultValue.rowOrder)
    }

    /// Column orders to try: all of them for up to 4 columns, else only the given one.
    private static func permutations(of n: Int) -> [[Int]] {
        guard n > 1, n <= 4 else { return [Array(0..<n)] }
        var result: [[Int]] = []
        func build(_ prefix: [Int], _ rest: [Int]) {
            if rest.isEmpty { result.append(prefix); return }
            for (i, x) in rest.enumerated() {
                var remaining = rest; remaining.remove(at: i)
                build(prefix + [x], remaining)
            }
        }
        build([], Array(0..<n))
        return result
    }
}

/// Golden rows by question id, shared by copies of a grader.
private final class GoldenRows: Sendable {
    private let rows = Mutex<[String: [[ResultValue]]]>([:])

    subscript(id: String) -> [[ResultValue]]? {
        get { rows.withLock { $0[id] } }
        set { rows.withLock { $0[id] = newValue } }
    }
}

/// The outcome of grading one answer.
public enum Grade: Sendable, Equatable {
    case correct
    /// The query ran and returned something else.
    case wrong(String)
    /// The query did not run.
    case failed(String)

    public var isCorrect: Bool { self == .correct }
}

/// Why a query could not be graded.
public enum GradeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notReadOnly
    case sql(String)

    public var description: String {
        switch self {
        case .notReadOnly: "the query writes to the database"
        case let .sql(message): message
        }
    }
}

/// A cell of a result set, normalised for comparison.
public enum ResultValue: Sendable, Hashable {
    case null
    /// Integers and reals alike, rounded to 4 decimal places.
    case number(Double)
    case text(String)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(i): self = .number(Double(i))
        case let .double(d): self = .number((d * 10_000).rounded() / 10_000)
        case let .string(s): self = .text(s)
        case let .blob(b): self = .text(b.base64EncodedString())
        }
    }

    static func rowOrder(_ a: [ResultValue], _ b: [ResultValue]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x.sortKey < y.sortKey }
        return a.count < b.count
    }

    private var sortKey: String {
        switch self {
        case .null: "0"
        case let .number(d): "1" + String(format: "%030.6f", d)
        case let .text(s): "2" + s
        }
    }
}
