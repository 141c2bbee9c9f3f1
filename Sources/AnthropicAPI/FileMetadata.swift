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

    public init(id: String, filename: String, mimeType: String, sizeBytes: Int, createdAt: String, downloadable: Bool = false) {
        self.id = id; self.filename = filename; self.mimeType = mimeType
        self.sizeBytes = sizeBytes; self.createdAt = createdAt; self.downloadable = downloadable
    }

    enum CodingKeys: String, CodingKey {
        case id, type, filename, mimeType = "mime_type", sizeBytes = "size_bytes", createdAt = "created_at", downloadable
    }
}

public typealias FileList = ListPage<FileMetadata>

/// The answer of `DELETE /v1/files/{id}`.
public struct DeletedFile: Codable, Sendable, Equatable {
    public var id: String
    public var type = "file_deleted"
    public init(id: String) { self.id = id }
}
