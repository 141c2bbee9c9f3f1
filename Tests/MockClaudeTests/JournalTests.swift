import ChaosCore
@testable import MockClaude
import Testing

/// The journal is the mock's whole account of what it served: the harness copies
/// it into the RunLog four times a second, `/_chaos/journal` pages through it.
@Suite struct JournalTests {
    func attempt(_ request: String = "r") -> UpstreamAttempt {
        UpstreamAttempt(
            at: .zero, path: "/v1/messages", model: "claude-opus-4-7", provider: "anthropic", requestID: request, attempt: 1,
            correlation: "header", stream: false, faults: [], faultKinds: [], status: 200, ending: "complete", latency: .zero,
            inputTokens: 1, outputTokens: 1, responseID: "req_\(request)", answerKind: "generic"
        )
    }

    func numbered(_ sequence: Int) -> UpstreamAttempt {
        var entry = attempt("r\(sequence)")
        entry.sequence = sequence
        return entry
    }

    @Test func numbersFromOneAndReadsInOrder() {
        let journal = Journal(capacity: 1_000)
        for i in 1...50 { #expect(journal.append(attempt("r\(i)")) == i) }
        let all = journal.entries()
        #expect(all.map(\.sequence) == Array(1...50))
        #expect(all.map(\.requestID) == (1...50).map { "r\($0)" })
        #expect(journal.entries(after: 41).map(\.sequence) == Array(42...50))
        #expect(journal.entries(after: 20, limit: 3).map(\.sequence) == [21, 22, 23])
        #expect(journal.entries(after: 50).isEmpty)
        #expect(journal.lastSequence == 50)
    }

    @Test func fullJournalKeepsTheNewestAndCountsWhatItDropped() {
        // 16 entries: two per shard.
        let journal = Journal(capacity: 16)
        for i in 1...100 { journal.append(attempt("r\(i)")) }
        #expect(journal.entries().map(\.sequence) == Array(85...100))
        #expect(journal.droppedCount == 84)
        #expect(journal.lastSequence == 100)
        #expect(journal.entries(after: 10, limit: 4).map(\.sequence) == [85, 86, 87, 88])
        #expect(journal.entries(after: 97).map(\.sequence) == [98, 99, 100])
    }

    /// Two requests numbered 1 and 9 share a shard; 9 may reach its lock first.
    @Test func anEntryOvertakenToItsShardIsStillReadInOrder() {
        let journal = Journal(capacity: 1_000)
        for sequence in [9, 17, 1, 25, 10, 2, 33, 18] { journal.store(numbered(sequence)) }
        #expect(journal.entries().map(\.sequence) == [1, 2, 9, 10, 17, 18, 25, 33])
        #expect(journal.entries(after: 1).map(\.sequence) == [2, 9, 10, 17, 18, 25, 33])
        #expect(journal.entries(after: 9, limit: 2).map(\.sequence) == [10, 17])
    }

    /// The same in a full shard, whose oldest place is reused: three kept a shard.
    @Test func anOvertakenEntryInAFullShardIsStillReadInOrder() {
        let journal = Journal(capacity: 24)
        for sequence in [1, 9, 17, 25, 41, 33, 57, 49] { journal.store(numbered(sequence)) }
        // 33 replaces 17 and moves back past 41; 49, past 57 across the ring's end.
        #expect(journal.entries().map(\.sequence) == [41, 49, 57])
        #expect(journal.droppedCount == 5)
        #expect(journal.entries(after: 41).map(\.sequence) == [49, 57])
        #expect(journal.entries(after: 41, limit: 1).map(\.sequence) == [49])
    }

    /// Overtaken by as many as its shard keeps, an entry is the oldest: it goes, not a newer one.
    @Test func anEntryOlderThanAllAFullShardKeepsIsTheOneDropped() {
        let journal = Journal(capacity: 16)
        for sequence in [9, 17, 1] { journal.store(numbered(sequence)) }
        #expect(journal.entries().map(\.sequence) == [9, 17])
        #expect(journal.droppedCount == 1)
    }

    @Test func concurrentAppendsAreAllReadOnceInOrder() async {
        let journal = Journal(capacity: 100_000)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { for i in 0..<2_000 { journal.append(attempt("t\(task)-\(i)")) } }
            }
        }
        #expect(journal.entries().map(\.sequence) == Array(1...16_000))
        #expect(journal.entries(after: 12_345, limit: 5).map(\.sequence) == Array(12_346...12_350))
        #expect(Set(journal.entries().map(\.requestID)).count == 16_000)
    }

    @Test func resetForgetsAndNumbersAgainFromOne() {
        let journal = Journal(capacity: 16)
        for i in 1...40 { journal.append(attempt("r\(i)")) }
        journal.reset()
        #expect(journal.entries().isEmpty)
        #expect(journal.droppedCount == 0)
        #expect(journal.append(attempt()) == 1)
        #expect(journal.entries().map(\.sequence) == [1])
    }
}
