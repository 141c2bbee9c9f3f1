import ChaosCore
import Foundation
import Synchronization
import Faults
import Testing
@testable import MockClaude

/// When a batch is journaled: once, as it ends, whatever ends it first (its
/// timer, a cancel, a delete that comes before the timer has run).
@Suite("Batch store")
struct BatchStoreTests {
    /// A clock whose sleeps never end on their own: the store's timer never fires.
    struct StuckClock: ScenarioClock {
        let now_: Duration
        var timeScale: Double { 1 }
        func now() -> Duration { now_ }
        func sleep(for duration: Duration) async throws {
            try await Task.sleep(for: .seconds(3600))
        }
        func wallDate(at offset: Duration) -> Date { Date(timeIntervalSince1970: offset.seconds) }
    }

    static func batch(_ id: String, ends: Duration) -> StoredBatch {
        let exchange = MessagesRoute.Exchange(
            arrival: .zero, realStart: .now, path: "/v1/messages/batches/\(id)", endpoint: .batchItem, provider: "anthropic",
            identity: AttemptIdentity(requestID: "r", attempt: 1, correlation: "batch"), requestID: "req_1", model: nil,
            stream: false, inputTokens: 0, ticket: InFlight().ticket()
        )
        let record = StoredBatch.Record(exchange: exchange, decision: FaultDecision(), answer: nil)
        let item = StoredBatch.Item(customID: "a", result: .canceled, end: ends, record: record)
        return StoredBatch(id: id, apiKey: "k", created: .zero, expires: .seconds(86_400), items: [item], base: "http://x")
    }

    @Test func aDeleteBeforeTheTimerHasRunJournalsTheBatchOnce() {
        let store = BatchStore()
        let journaled = Mutex(0)
        let journal: @Sendable (StoredBatch) -> Void = { _ in journaled.withLock { $0 += 1 } }
        store.add(Self.batch("b1", ends: .seconds(60)), clock: StuckClock(now_: .zero), journal: journal)
        #expect(store.delete("b1", apiKey: "k", at: .seconds(30), journal: journal) == .processing)
        #expect(journaled.withLock { $0 } == 0)
        #expect(store.delete("b1", apiKey: "other", at: .seconds(60), journal: journal) == .missing)
        #expect(store.delete("b1", apiKey: "k", at: .seconds(60), journal: journal) == .deleted)
        #expect(journaled.withLock { $0 } == 1, "the batch ended before it was deleted: its requests are in the journal")
        #expect(store.batch("b1", apiKey: "k") == nil)
        store.stop()
    }

    @Test func aCancelJournalsAtOnceAndOnlyOnce() {
        let store = BatchStore()
        let journaled = Mutex(0)
        let journal: @Sendable (StoredBatch) -> Void = { _ in journaled.withLock { $0 += 1 } }
        store.add(Self.batch("b2", ends: .seconds(60)), clock: StuckClock(now_: .zero), journal: journal)
        #expect(store.cancel("b2", apiKey: "k", at: .seconds(10), journal: journal)?.canceled == true)
        #expect(store.cancel("b2", apiKey: "k", at: .seconds(20), journal: journal)?.canceled == false)
        #expect(store.delete("b2", apiKey: "k", at: .seconds(20), journal: journal) == .deleted)
        #expect(journaled.withLock { $0 } == 1)
        store.stop()
    }
}
