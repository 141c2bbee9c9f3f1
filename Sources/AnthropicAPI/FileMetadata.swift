/// One file of the Files API: what `POST /v1/files` answers, `GET /v1/files/{id}`
/// shows and `GET /v1/files` lists.
public struct FileMetadata: Listable {
    public var id: String
    public var type = "file"
    /// The name the upload gave, 1–255 characters.
    public var filename: String
    public var mimeType: String
    public var sizeBytes: Int
    /// RFC 3339.
    public var createdAt: String
    /// Only files the code execution tool or a skill made can be downloaded;
    /// an upload never can.
    public var downloadable: Bool
    /// RFC 3339; null for a file uploaded without `expires_in_seconds`.
    public var expiresAt: String?

    public init(id: String, filename: String, mimeType: String, sizeBytes: Int, createdAt: String, downloadable: Bool = false, expiresAt: String? = nil) {
        self.id = id; self.filename = filename; self.mimeType = mimeType
        self.sizeBytes = sizeBytes; self.createdAt = createdAt; self.downloadable = downloadable; self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id, type, filename, mimeType = "mime_type", sizeBytes = "size_bytes", createdAt = "created_at", downloadable
        case expiresAt = "expires_at"
    }

    /// `expires_at` is `null` when the file does not expire, as the API writes it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(filename, forKey: .filename)
        try c.encode(mimeType, forKey: .mimeType)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(downloadable, forKey: .downloadable)
        try c.encode(expiresAt, forKey: .expiresAt)
    }
}

/// A page of `GET /v1/files`, newest first. Besides the id cursors the other
/// lists have, it carries the opaque `next_page` cursor the SDKs page with.
public struct FileList: Codable, Sendable, Equatable {
    public var page: ListPage<FileMetadata>
    public var nextPage: String?

    public init(_ page: ListPage<FileMetadata>) {
        self.page = page
        nextPage = page.hasMore ? page.lastID.map { Self.cursorPrefix + $0 } : nil
    }

    /// A `next_page` cursor is this and the id the page after it begins after.
    public static let cursorPrefix = "page_"

    enum CodingKeys: String, CodingKey { case nextPage = "next_page" }

    public init(from decoder: any Decoder) throws {
        page = try ListPage(from: decoder)
        nextPage = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .nextPage)
    }

    public func encode(to encoder: any Encoder) throws {
        try page.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nextPage, forKey: .nextPage)
    }
}

/// The answer of `DELETE /v1/files/{id}`.
public struct DeletedFile: Codable, Sendable, Equatable {
    public var id: String
    public var type = "file_deleted"
    public init(id: String) { self.id = id }
}
