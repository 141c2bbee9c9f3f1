import Testing
import ChaosCore

@Suite struct StableHashTests {
    @Test func valuesArePinnedAcrossProcessesAndReleases() {
        // Pinned (computed independently, in Python, from the algorithm's definition):
        // if these change, every recorded scenario replays differently.
        #expect(StableHash.hash("a") == 0x27A8_69C1_1DAC_0D56)
        #expect(StableHash.hash("42", "opus-529", "req-1", "1") == 0x25EE_B2E8_6318_5EC3)
        #expect(StableHash.hash(["42", "opus-529", "req-1", "1"]) == 0x25EE_B2E8_6318_5EC3)
        // Two and three parts have their own overloads (no array): the same values.
        #expect(StableHash.hash("r42-7", "request-id") == 0x8CCE_E366_BC27_6F03)
        #expect(StableHash.hash(["r42-7", "request-id"]) == 0x8CCE_E366_BC27_6F03)
        let prompt = ("claude-opus-4-7", "You are a SQL analyst.", "What is the total revenue by region?")
        #expect(StableHash.hash(prompt.0, prompt.1, prompt.2) == 0x2DF6_D8AB_48CF_1A20)
        #expect(StableHash.hash([prompt.0, prompt.1, prompt.2]) == 0x2DF6_D8AB_48CF_1A20)
    }

    @Test func partsAreSeparated() {
        #expect(StableHash.hash("ab", "c") != StableHash.hash("a", "bc"))
        #expect(StableHash.hash("x") != StableHash.hash("x", ""))
    }

    @Test func theUnitIntervalIsUniformEnough() {
        var buckets = [Int](repeating: 0, count: 10)
        for i in 0..<10_000 {
            let u = StableHash.unitInterval(StableHash.hash("seed", String(i)))
            #expect(u >= 0 && u < 1)
            buckets[Int(u * 10)] += 1
        }
        #expect(buckets.allSatisfy { (850...1150).contains($0) }, "\(buckets)")
    }

    @Test func seededRandomReplays() {
        var a = SeededRandom("x", "y"), b = SeededRandom("x", "y"), c = SeededRandom("x", "z")
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }
}
