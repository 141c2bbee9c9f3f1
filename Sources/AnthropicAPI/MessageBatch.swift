import ChaosCore
import Foundation

/// A Message Batch as `GET /v1/messages/batches/{id}` shows it.
public struct MessageBatch: Listable {
    public enum Status: String, Codable, Sendable { case inProgress = "in_progress", canceling, ended }

    /// How many requests are in each state. Every request is `processing` until
    /// the whole batch ends, as on the API.
    public struct RequestCounts: Codable, Sendable, Equatable {
        public var processing = 0, succeeded = 0, errored = 0, canceled = 0, expired = 0
        public init(processing: Int = 0, succeeded: Int = 0, errored: Int = 0, canceled: Int = 0, expired: Int = 0) {
            self.processing = processing; self.succeeded = succeeded; self.errored = errored
            self.canceled = canceled; self.expired = expired
        }
    }

    public var id: String
    public var processingStatus: Status
    public var requestCounts: RequestCounts
    /// RFC 3339 date-times.
    public var createdAt: String
    public var expiresAt: String
    public var endedAt: String?
    public var cancelInitiatedAt: String?
    public var archivedAt: String?
    /// Where the results are, once the batch has ended.
    public var resultsURL: String?
    public var type = "message_batch"

    public init(
        id: String, processingStatus: Status, requestCounts: RequestCounts, createdAt: String, expiresAt: String,
        endedAt: String? = nil, cancelInitiatedAt: String? = nil, resultsURL: String? = nil
    ) {
        self.id = id; self.processingStatus = processingStatus; self.requestCounts = requestCounts
        self.createdAt = createdAt; self.expiresAt = expiresAt; self.endedAt = endedAt
        self.cancelInitiatedAt = cancelInitiatedAt; self.resultsURL = resultsURL
    }

    enum CodingKeys: String, CodingKey {
        case id, type, processingStatus = "processing_status", requestCounts = "request_counts"
        case createdAt = "created_at", expiresAt = "expires_at", endedAt = "ended_at"
        case cancelInitiatedAt = "cancel_initiated_at", archivedAt = "archived_at", resultsURL = "results_url"
    }

    /// Absent times are `null`, as the API writes them, not left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(processingStatus, forKey: .processingStatus)
        try c.encode(requestCounts, forKey: .requestCounts)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(cancelInitiatedAt, forKey: .cancelInitiatedAt)
        try c.encode(archivedAt, forKey: .archivedAt)
        try c.encode(resultsURL, forKey: .resultsURL)
    }
}

/// A page of `GET /v1/messages/batches`, newest first.
public typealias MessageBatchList = ListPage<MessageBatch>

/// What became of one request of a batch: a line of its results file.
public enum BatchResult: Sendable, Equatable {
    /// The message, as `POST /v1/messages` would have sent its JSON.
    case succeeded(message: [UInt8])
    case errored(type: APIErrorType, message: String, requestID: String)
    case canceled
    case expired

    public var label: String {
        switch self {
        case .succeeded: "succeeded"
        case .errored: "errored"
        case .canceled: "canceled"
        case .expired: "expired"
        }
    }

    /// `{"custom_id":…,"result":{…}}`, one line of the `.jsonl` results, newline included.
    public func line(customID: String) -> [UInt8] {
        var out: [UInt8] = []
        out += #"{"custom_id":"#.utf8
        out += JSONText.quoted(customID).utf8
        out += #","result":{"type":""#.utf8
        out += label.utf8
        out += "\"".utf8
        switch self {
        case let .succeeded(message):
            out += #","message":"#.utf8
            out += message
        case let .errored(type, message, requestID):
            out += #","error":{"type":"error","error":{"type":"#.utf8
            out += JSONText.quoted(type.rawValue).utf8
            out += #","message":"#.utf8
            out += JSONText.quoted(message).utf8
            out += #"},"request_id":"#.utf8
            out += JSONText.quoted(requestID).utf8
            out += "}".utf8
        case .canceled, .expired:
            break
        }
        out += "}}\n".utf8
        return out
    }
}

/// `DELETE /v1/messages/batches/{id}`'s answer.
public struct DeletedMessageBatch: Codable, Sendable, Equatable {
    public var id: String
    public var type = "message_batch_deleted"
    public init(id: String) { self.id = id }
}
