import ChaosCore
import Foundation

extension RunStore {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        // As the hand-written events (``JSONObjectWriter``) are: `/` needs no escape.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static func encode(payload event: RunEvent) throws -> String {
        switch event {
        case let .upstreamAttempt(event): try event.json()
        case let .requestFinished(event): try event.json()
        case let .alert(event): try encode(event)
        case let .qualitySample(event): try encode(event)
        case let .phase(event): try encode(event)
        }
    }

    /// Nil for a kind this version does not know (a newer writer's), which is skipped.
    static func decodeEvent(kind: String, payload: String) throws -> RunEvent? {
        switch kind {
        case "upstreamAttempt": .upstreamAttempt(try decode(UpstreamAttempt.self, from: payload))
        case "requestFinished": .requestFinished(try decode(RequestRecord.self, from: payload))
        case "alert": .alert(try decode(AlertRecord.self, from: payload))
        case "qualitySample": .qualitySample(try decode(QualityRecord.self, from: payload))
        case "phase": .phase(try decode(PhaseRecord.self, from: payload))
        default: nil
        }
    }
}
