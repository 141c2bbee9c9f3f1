import ChaosCore
import Verdicts
import Foundation
import GRDB

/// The RunLog on disk: one SQLite file (WAL) holding every run, its scenario text,
/// its events and its verdicts. Events go in as the run goes, in batches, each
/// batch one transaction, so a run killed mid-way keeps everything flushed before.
///
/// ```
/// runs      id, invocation, scenario, status, info (JSON), scenario_text, started_at
/// events    run_id, kind, at_ms, payload (JSON)
/// verdicts  run_id, position, payload (JSON)
/// ```
public final class RunStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        self.path = path
        pool = try DatabasePool(path: path)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("id", .text)
                t.column("invocation", .text).notNull().indexed()
                t.column("scenario", .text).notNull()
                t.column("status", .text).notNull()
                t.column("info", .text).notNull()
                t.column("scenario_text", .text).notNull()
                t.column("started_at", .datetime).notNull()
            }
            try db.create(table: "events") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("at_ms", .double).notNull()
                t.column("payload", .text).notNull()
            }
            try db.create(index: "events_by_run", on: "events", columns: ["run_id", "kind"])
            try db.create(table: "verdicts") { t in
                t.column("run_id", .text).notNull().references("runs", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("payload", .text).notNull()
                t.primaryKey(["run_id", "position"])
            }
        }
        return migrator
    }

    /// Runs one write transaction to the end even when the calling task is
    /// cancelled (GRDB's async access gives up on cancellation): an interrupted run
    /// must still store what it recorded, and that it was aborted.
    private func write(_ body: @escaping @Sendable (Database) throws -> Void) async throws {
        try await Task { try await pool.write(body) }.value
    }

    /// Records that a run began. `startedAt` is the wall-clock time, for people.
    public func begin(_ info: RunInfo, invocation: String, scenarioText: String, startedAt: Date) async throws {
        let json = try Self.encode(info)
        try await write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO runs (id, invocation, scenario, status, info, scenario_text, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [info.runID, invocation, info.scenario, info.status.rawValue, json, scenarioText, startedAt]
            )
        }
    }

    /// Appends events in one transaction.
    public func append(_ events: [RunEvent], runID: String) async throws {
        guard !events.isEmpty else { return }
        let rows = try events.map { event in (event.kind, event.at.milliseconds, try Self.encode(payload: event)) }
        try await write { db in
            // Many rows a statement: each statement costs a reset, a validation of
            // its arguments and a step, whatever its size. Rows keep their order.
            // Statements are compiled once per connection, not once per batch.
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + Self.rowsPerInsert, rows.count)]
                let statement = try db.cachedStatement(sql: Self.insertEvents[chunk.count - 1])
                var arguments: [(any DatabaseValueConvertible)?] = []
                arguments.reserveCapacity(chunk.count * 4)
                for row in chunk { arguments += [runID, row.0, row.1, row.2] }
                try statement.execute(arguments: StatementArguments(arguments))
                start += chunk.count
            }
        }
    }

    /// 256 arguments a statement, well under SQLite's oldest limit of 999.
    static let rowsPerInsert = 64

    /// The statement for `n` rows, at index `n - 1`.
    static let insertEvents = (1...rowsPerInsert).map { rows in
        "INSERT INTO events (run_id, kind, at_ms, payload) VALUES " + repeatElement("(?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    /// Records how the run ended.
    public func finish(_ info: RunInfo) async throws {
        let json = try Self.encode(info)
        try await write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, info = ? WHERE id = ?", arguments: [info.status.rawValue, json, info.runID])
        }
    }

    /// Replaces the stored verdicts of a run.
    public func saveVerdicts(_ verdicts: [Verdict], runID: String) async throws {
        let rows = try verdicts.map { try Self.encode($0) }
        try await write { db in
            try db.execute(sql: "DELETE FROM verdicts WHERE run_id = ?", arguments: [runID])
            for (position, row) in rows.enumerated() {
                try db.execute(sql: "INSERT INTO verdicts (run_id, position, payload) VALUES (?, ?, ?)", arguments: [runID, position, row])
            }
        }
    }

    /// One stored run: its log, its scenario text, and the verdicts stored with it.
    public struct StoredRun: Sendable {
        public var log: RunLog
        public var invocation: String
        public var scenarioText: String
        public var startedAt: Date
        public var verdicts: [Verdict]
    }

    /// Reads a run back, events in the order they were written.
    public func load(runID: String) async throws -> StoredRun? {
        try await pool.read { db -> StoredRun? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [runID]) else { return nil }
            var info = try Self.decode(RunInfo.self, from: row["info"])
            info.status = RunInfo.Status(rawValue: row["status"]) ?? info.status
            var log = RunLog(info: info)
            let events = try Row.fetchCursor(db, sql: "SELECT kind, payload FROM events WHERE run_id = ? ORDER BY id", arguments: [runID])
            while let event = try events.next() {
                if let decoded = try Self.decodeEvent(kind: event["kind"], payload: event["payload"]) { log.add(decoded) }
            }
            let verdicts = try String.fetchAll(db, sql: "SELECT payload FROM verdicts WHERE run_id = ? ORDER BY position", arguments: [runID])
                .map { try Self.decode(Verdict.self, from: $0) }
            return StoredRun(log: log, invocation: row["invocation"], scenarioText: row["scenario_text"], startedAt: row["started_at"], verdicts: verdicts)
        }
    }

    /// The run ids of an invocation, in the order they began, without the attempts
    /// set aside (``RunInfo/Status/superseded``); or, when `invocation` is itself a
    /// run id, that run.
    public func runIDs(matching invocation: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM runs WHERE (invocation = ? AND status != 'superseded') OR id = ? ORDER BY started_at, rowid",
                arguments: [invocation, invocation]
            )
        }
    }

    /// The attempts of an invocation set aside (``RunInfo/Status/superseded``),
    /// oldest first, as the reports name them: what judging it again attaches to
    /// the attempts that count.
    public func setAsideAttempts(invocation: String) async throws -> [StarvedAttempt] {
        try await pool.read { db in
            let sql = "SELECT info FROM runs WHERE invocation = ? AND status = 'superseded' ORDER BY started_at, rowid"
            return try String.fetchAll(db, sql: sql, arguments: [invocation]).map { text in
                let info = try Self.decode(RunInfo.self, from: text)
                let failed = try String.fetchAll(db, sql: "SELECT payload FROM verdicts WHERE run_id = ? ORDER BY position", arguments: [info.runID])
                    .map { try Self.decode(Verdict.self, from: $0) }.filter { !$0.passed }.map(\.kind)
                return StarvedAttempt(runID: info.runID, attempt: info.attempt ?? 1, failed: failed, saturation: info.saturation ?? "")
            }
        }
    }

    /// The newest invocations, newest first.
    public func recentInvocations(limit: Int = 20) async throws -> [StoredInvocation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.invocation, MIN(r.started_at) AS started, GROUP_CONCAT(r.scenario, ', ') AS scenarios, COUNT(*) AS runs,
                       SUM(r.status NOT IN ('completed', 'not_started')) AS unfinished, SUM(r.status = 'not_started') AS not_started,
                       (SELECT COUNT(*) FROM verdicts v JOIN runs w ON v.run_id = w.id
                        WHERE w.invocation = r.invocation AND w.status != 'superseded') AS verdicts,
                       (SELECT COUNT(*) FROM verdicts v JOIN runs w ON v.run_id = w.id
                        WHERE w.invocation = r.invocation AND w.status != 'superseded' AND json_extract(v.payload, '$.passed') = 0) AS failed,
                       (SELECT COUNT(*) FROM runs w WHERE w.invocation = r.invocation AND w.status = 'superseded') AS set_aside
                FROM (SELECT * FROM runs WHERE status != 'superseded' ORDER BY started_at, rowid) r
                GROUP BY r.invocation ORDER BY MAX(r.started_at) DESC LIMIT ?
                """, arguments: [limit]).map { row in
                StoredInvocation(
                    id: row["invocation"], startedAt: row["started"], scenarios: row["scenarios"], runs: row["runs"],
                    unfinished: row["unfinished"], notStarted: row["not_started"], verdicts: row["verdicts"], failed: row["failed"],
                    setAside: row["set_aside"]
                )
            }
        }
    }

    /// Marks runs still `running` as aborted: whoever ran them is gone.
    public func markAbandonedRunsAborted() async throws {
        try await write { db in
            try db.execute(sql: "UPDATE runs SET status = 'aborted' WHERE status = 'running'")
        }
    }
}

/// One `llmchaos run` (or sweep) in the store, as `llmchaos report` lists it.
public struct StoredInvocation: Sendable, Equatable, CustomStringConvertible {
    public var id: String
    public var startedAt: Date
    /// Scenario names, comma-separated, in the order they ran.
    public var scenarios: String
    public var runs: Int
    /// Runs aborted, or left running by a harness that is gone.
    public var unfinished: Int
    public var notStarted: Int
    public var verdicts: Int
    public var failed: Int
    /// Attempts that failed while the harness was short of CPU and were run again;
    /// their verdicts are not in the counts.
    public var setAside: Int = 0

    /// `20261123-101530-3f2a  2026-11-23 10:15 UTC  5/6 held, 1 aborted  opus-overloaded, calm-baseline`
    /// (no pass or fail: a sweep's levels past the knee fail by design).
    public var description: String {
        var result = "\(verdicts - failed)/\(verdicts) held"
        if unfinished > 0 { result += ", \(unfinished) aborted" }
        if notStarted > 0 { result += ", \(notStarted) not started" }
        if setAside > 0 { result += ", \(setAside) run again (short of CPU)" }
        let names = scenarios.count > 60 ? String(scenarios.prefix(57)) + "…" : scenarios
        return "\(id)  \(Self.minute.string(from: startedAt)) UTC  \(result)  \(names)"
    }

    private static let minute: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter
    }()
}
