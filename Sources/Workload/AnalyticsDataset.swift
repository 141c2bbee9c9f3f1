import Foundation
import ChaosCore
import GRDB

/// The analytics data set the golden questions are asked of: regions, products,
/// customers and about four thousand sales over 2024–2025, generated from a fixed
/// seed so every machine builds the same rows.
///
/// ```
/// regions ─┐        ┌─ products (the last few never sold)
///          ├─ sales ┤
/// customers┘        └─ channel, quantity, discount, revenue
/// ```
public final class AnalyticsDataset: Sendable {
    /// The read-only database; reads run on GRDB's own queue, never on a caller's thread.
    public let database: DatabaseQueue

    public static let schema = """
        CREATE TABLE regions (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL);
        CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
                               unit_price REAL NOT NULL, launched_on TEXT NOT NULL);
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region_id INTEGER NOT NULL REFERENCES regions(id),
                                segment TEXT NOT NULL, signup_date TEXT NOT NULL);
        CREATE TABLE sales (id INTEGER PRIMARY KEY, sale_date TEXT NOT NULL,
                            customer_id INTEGER NOT NULL REFERENCES customers(id),
                            product_id INTEGER NOT NULL REFERENCES products(id),
                            region_id INTEGER NOT NULL REFERENCES regions(id),
                            channel TEXT NOT NULL, quantity INTEGER NOT NULL,
                            discount REAL NOT NULL, revenue REAL NOT NULL);
        """

    /// Table names, for validation and for degrading SQL.
    public static let tables = ["regions", "products", "customers", "sales"]

    /// Builds the data set in memory. Takes a few milliseconds.
    public init(seed: UInt64 = 20_240_101) throws {
        var config = Configuration()
        config.label = "llmchaos.analytics"
        let queue = try DatabaseQueue(configuration: config)
        try queue.write { db in
            try db.execute(sql: Self.schema)
            try Self.populate(db, seed: seed)
        }
        self.database = queue
    }

    private static let regionRows: [(String, String)] = [
        ("North America", "NA"), ("Europe", "EU"), ("Asia Pacific", "APAC"),
        ("Latin America", "LATAM"), ("Middle East", "ME"), ("Africa", "AF"),
    ]
    private static let categories = ["Hardware", "Software", "Services", "Accessories"]
    private static let productWords = ["Atlas", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Ion", "Juniper"]
    private static let firstNames = ["Ada", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya"]
    private static let lastNames = ["Okafor", "Silva", "Tanaka", "Müller", "Rossi", "Khan", "Novak", "Dubois", "Haddad", "Lee", "Moreau", "Singh"]
    static let productCount = 40
    /// Products with ids above this were launched too late to sell: a question asks for them.
    static let soldProductCount = 37
    static let customerCount = 400
    static let saleCount = 4000

    private static func populate(_ db: Database, seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for (i, row) in regionRows.enumerated() {
            try db.execute(sql: "INSERT INTO regions VALUES (?, ?, ?)", arguments: [i + 1, row.0, row.1])
        }
        var prices: [Double] = [0]
        for id in 1...productCount {
            let category = categories[(id - 1) % categories.count]
            let base: Double = switch category {
            case "Hardware": 400
            case "Software": 150
            case "Services": 900
            default: 35
            }
            let price = ((base * (0.5 + rng.unit())) * 100).rounded() / 100
            prices.append(price)
            let name = "\(productWords[(id - 1) % productWords.count]) \(category.dropLast(category.hasSuffix("s") ? 1 : 0)) \(id)"
            let launched = id > soldProductCount ? "2026-0\(id - soldProductCount)-01" : "2023-\(String(format: "%02d", (id % 12) + 1))-15"
            try db.execute(sql: "INSERT INTO products VALUES (?, ?, ?, ?, ?)", arguments: [id, name, category, price, launched])
        }
        var customerRegion: [Int] = [0]
        let segments = ["consumer", "consumer", "smb", "smb", "enterprise"]
        for id in 1...customerCount {
            let region = Int(rng.next() % UInt64(regionRows.count)) + 1
            customerRegion.append(region)
            let name = "\(firstNames[Int(rng.next() % UInt64(firstNames.count))]) \(lastNames[Int(rng.next() % UInt64(lastNames.count))])"
            let segment = segments[Int(rng.next() % UInt64(segments.count))]
            let signup = date(dayOffset: Int(rng.next() % 1095), fromYear: 2022)
            try db.execute(sql: "INSERT INTO customers VALUES (?, ?, ?, ?, ?)", arguments: [id, name, region, segment, signup])
        }
        let channels = ["online", "online", "retail", "partner"]
        let discounts = [0.0, 0.0, 0.0, 0.05, 0.1, 0.2]
        let statement = try db.makeStatement(sql: "INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for id in 1...saleCount {
            let customer = Int(rng.next() % UInt64(customerCount)) + 1
            // Skewed towards low product ids, so "top products" has clear winners.
            let product = min(soldProductCount, Int(Double(soldProductCount) * rng.unit() * rng.unit()) + 1)
            let quantity = Int(rng.next() % 20) + 1
            let discount = discounts[Int(rng.next() % UInt64(discounts.count))]
            let revenue = ((Double(quantity) * prices[product] * (1 - discount)) * 100).rounded() / 100
            let channel = channels[Int(rng.next() % UInt64(channels.count))]
            let day = date(dayOffset: Int(rng.next() % 731), fromYear: 2024)
            try statement.execute(arguments: [id, day, customer, product, customerRegion[customer], channel, quantity, discount, revenue])
        }
    }

    private static let daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// `YYYY-MM-DD` of the day `dayOffset` days after 1 January of `fromYear`.
    static func date(dayOffset: Int, fromYear: Int) -> String {
        var year = fromYear, remaining = dayOffset
        while true {
            let length = isLeap(year) ? 366 : 365
            if remaining < length { break }
            remaining -= length; year += 1
        }
        var month = 0
        while true {
            let length = daysInMonth[month] + (month == 1 && isLeap(year) ? 1 : 0)
            if remaining < length { break }
            remaining -= length; month += 1
        }
        return String(format: "%04d-%02d-%02d", year, month + 1, remaining + 1)
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
}

extension AnalyticsDataset {
    /// Whether `sql` would run here, without running it: it is prepared against the
    /// real schema, so an unknown table or column or a syntax error is caught.
    /// - Returns: nil when valid, else the database's reason.
    public func problem(with sql: String) async -> String? {
        do {
            return try await read { db -> String? in
                let statement = try db.makeStatement(sql: sql)
                return statement.isReadonly ? nil : "the query writes to the database"
            }
        } catch let error as DatabaseError {
            return error.message ?? "\(error)"
        } catch {
            return "\(error)"
        }
    }

    /// The schema as the prompt shows it to a model.
    public static let schemaForPrompt: String =
        schema.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")

    /// Reads the data set. It never changes once built, so a read needs no
    /// transaction (GRDB's `read` opens one and toggles `query_only` around every
    /// call, extra statements on the one queue all readers share); whoever runs a
    /// statement checks `isReadonly` first.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await database.unsafeRead(body)
    }
}
