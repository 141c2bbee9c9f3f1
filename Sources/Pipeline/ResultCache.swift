import ChaosCore
import Synchronization

/// Recent good answers by tenant and question, kept for `ttl` of scenario time: the
/// cache tier serves them, flagged as possibly stale, when every model tier failed.
public final class ResultCache: Sendable {
    public struct Entry: Sendable, Equatable {
        public var sql: String
        public var servedBy: String
        public var storedAt: Duration
    }

    public let ttl: Duration
    private let entries = Mutex<[String: Entry]>([:])

    public init(ttl: Duration = .seconds(3600)) { self.ttl = ttl }

    public func store(_ entry: Entry, question: String, tenant: String) {
        entries.withLock { $0[Self.key(question, tenant)] = entry }
    }

    /// The entry, if it is younger than the TTL at `now`.
    public func lookup(question: String, tenant: String, now: Duration) -> Entry? {
        entries.withLock { all in
            guard let entry = all[Self.key(question, tenant)] else { return nil }
            guard now - entry.storedAt < ttl else {
                all[Self.key(question, tenant)] = nil
                return nil
            }
            return entry
        }
    }

    public func removeAll() { entries.withLock { $0.removeAll() } }

    private static func key(_ question: String, _ tenant: String) -> String {
        tenant + "\u{1F}" + question.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
