import ChaosCore
import Foundation
import Testing

/// The hand-written JSON says byte for byte what `JSONEncoder` says.
@Suite struct JSONTextTests {
    @Test func everyASCIICharacterIsQuotedAsTheEncoderQuotesIt() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for byte in UInt8(0)..<0x80 {
            // Short and long: a string of up to 15 bytes is kept in place, not in storage of its own.
            for text in ["a" + String(Character(Unicode.Scalar(byte))) + "é", String(repeating: "long text ", count: 4) + String(Character(Unicode.Scalar(byte)))] {
                let expected = String(decoding: try encoder.encode(text), as: UTF8.self)
                #expect(JSONText.quoted(text) == expected, "byte \(byte)")
                var appended: [UInt8] = [0x5B]
                JSONText.appendQuoted(text, to: &appended)
                #expect(String(decoding: appended, as: UTF8.self) == "[" + expected, "byte \(byte)")
            }
        }
    }

    @Test(arguments: [0, 7, 10, 99, 1_000_003, -1, -450, Int.max, Int.min])
    func integersAreWrittenAsTheirDecimalText(value: Int) {
        var out: [UInt8] = [0x3A]
        JSONText.appendInteger(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == ":" + String(value))
    }

    @Test func requestRecordsAreWrittenAsTheEncoderWritesThem() throws {
        var draws = Draws(seed: 7)
        for _ in 0..<300 {
            let record = RequestRecord(
                index: draws.int(), requestID: draws.text(), questionID: draws.maybe { $0.text() }, tenant: draws.text(),
                scheduled: draws.duration(), started: draws.duration(), finished: draws.duration(),
                outcome: draws.pick([.ok, .degraded, .error]), servedBy: draws.maybe { $0.text() },
                status: draws.maybe { $0.int() }, grade: draws.pick([.right, .wrong, .unknown]), error: draws.maybe { $0.text() },
                failures: draws.texts(), upstreamAttempts: draws.int(), cost: draws.double(), variant: draws.maybe { $0.text() },
                timeToFirstToken: draws.maybe { $0.duration() }, interTokenLatency: draws.maybe { $0.duration() }
            )
            let hand = try record.json()
            #expect(hand == (try Self.encoded(record)))
            #expect(try JSONDecoder().decode(RequestRecord.self, from: Data(hand.utf8)) == Self.roundTripped(record))
        }
    }

    @Test func upstreamAttemptsAreWrittenAsTheEncoderWritesThem() throws {
        var draws = Draws(seed: 11)
        for _ in 0..<300 {
            let attempt = UpstreamAttempt(
                sequence: draws.int(), at: draws.duration(), path: draws.text(), model: draws.maybe { $0.text() }, provider: draws.text(),
                requestID: draws.text(), attempt: draws.int(), correlation: draws.text(), stream: draws.int() % 2 == 0,
                faults: draws.texts(), faultKinds: draws.texts(), status: draws.int(), errorType: draws.maybe { $0.text() },
                ending: draws.text(), latency: draws.duration(), inputTokens: draws.int(), outputTokens: draws.int(),
                responseID: draws.text(), answerKind: draws.text(), quality: draws.maybe { $0.text() }, retryAfter: draws.maybe { $0.duration() }
            )
            #expect(try attempt.json() == (try Self.encoded(attempt)))
        }
    }

    @Test func aNonFiniteNumberIsRefusedAsTheEncoderRefusesIt() {
        let record = RequestRecord(index: 1, requestID: "r", scheduled: .zero, finished: .seconds(1), outcome: .ok, cost: .nan)
        #expect(throws: (any Error).self) { try Self.encoded(record) }
        #expect(throws: JSONObjectWriter.NonFiniteNumber.self) { try record.json() }
    }

    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// What a record reads back as: durations travel as milliseconds in a `Double`.
    static func roundTripped(_ record: RequestRecord) throws -> RequestRecord {
        try JSONDecoder().decode(RequestRecord.self, from: try JSONEncoder().encode(record))
    }
}

/// Values of every shape a field can take: escapes and non-ASCII in text, empty
/// and long arrays, whole and fractional milliseconds, tiny and huge numbers.
private struct Draws {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }
    mutating func int() -> Int { pick([0, 1, 200, 529, -3, Int(truncatingIfNeeded: next() >> 1)]) }
    mutating func text() -> String {
        pick(["", "req-0001", "a \"quoted\"\nline\tand \\ slash", "é 😀 \u{01}\u{1F}/", "opus: timeout after 30s", String(next(), radix: 36)])
    }
    mutating func texts() -> [String] { (0..<Int(next() % 4)).map { _ in text() } }
    mutating func double() -> Double { pick([0, 0.000015, 1.5, 12_345.678_9, 1e21, Double(next() % 1_000_000) / 7]) }
    mutating func duration() -> Duration {
        pick([.zero, .milliseconds(250), .nanoseconds(Int64(next() % 100_000_000_000)), .seconds(86_400), .microseconds(1)])
    }
    mutating func maybe<T>(_ make: (inout Draws) -> T) -> T? { next() % 3 == 0 ? nil : make(&self) }
}
