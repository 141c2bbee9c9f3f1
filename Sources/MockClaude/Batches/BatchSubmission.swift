import AnthropicAPI
import ChaosCore
import Foundation

/// The body of `POST /v1/messages/batches`, read and checked as a whole. Each
/// request's `params` are checked later, one by one, as the API does: a request
/// the Messages API would refuse is that request's `errored` result, not a 400
/// for the batch.
struct BatchSubmission: Sendable {
    struct Entry: Sendable {
        var customID: String
        /// The params as compact JSON with sorted keys: what the request is read
        /// from, and what tells a request sent again.
        var params: [UInt8]
    }

    var entries: [Entry]

    /// The API's limit on the requests in one batch (its limit on bytes is
    /// ``MockConfiguration/maxBatchBytes``).
    static let maxRequests = 100_000

    /// The body's entries, or the first problem with it, worded as the API's
    /// validation errors are.
    static func read(_ body: [UInt8]) -> Result<BatchSubmission, Problem> {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)), case let .object(members) = value else {
            return .failure(Problem("The request body is not valid JSON: send an object with a `requests` list"))
        }
        guard let requests = members["requests"] else { return .failure(Problem("requests: Field required")) }
        guard case let .array(list) = requests else { return .failure(Problem("requests: Input should be a valid list")) }
        if list.isEmpty { return .failure(Problem("requests: List should have at least 1 item after validation, not 0")) }
        if list.count > maxRequests {
            return .failure(Problem("requests: List should have at most \(maxRequests) items after validation, not \(list.count)"))
        }
        var entries: [Entry] = []
        entries.reserveCapacity(list.count)
        var seen: Set<String> = []
        for (index, request) in list.enumerated() {
            guard case let .object(fields) = request else { return .failure(Problem("requests.\(index): Input should be a valid dictionary")) }
            guard let id = fields["custom_id"] else { return .failure(Problem("requests.\(index).custom_id: Field required")) }
            guard let customID = id.string else { return .failure(Problem("requests.\(index).custom_id: Input should be a valid string")) }
            guard isValidCustomID(customID) else {
                return .failure(Problem("requests.\(index).custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"))
            }
            guard seen.insert(customID).inserted else {
                return .failure(Problem("requests.\(index).custom_id: '\(customID)' is used by an earlier request; each request in a Message Batch needs its own custom_id"))
            }
            guard let params = fields["params"] else { return .failure(Problem("requests.\(index).params: Field required")) }
            guard case .object = params else { return .failure(Problem("requests.\(index).params: Input should be a valid dictionary")) }
            var bytes: [UInt8] = []
            params.appendJSON(to: &bytes)
            entries.append(Entry(customID: customID, params: bytes))
        }
        return .success(BatchSubmission(entries: entries))
    }

    static func isValidCustomID(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
    }

    struct Problem: Error, Sendable {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
