import AnthropicAPI

/// An upload the mock keeps: its metadata and what counting it needs, never its
/// bytes (an upload cannot be downloaded, and a mock holding 500 MB files would
/// be the test's bottleneck).
struct StoredFile: Owned {
    let id: String
    let apiKey: String
    let filename: String
    let mimeType: String
    let size: Int
    let created: Duration
    /// When its content stops being available (`expires_in_seconds`), if ever.
    let expires: Duration?
    let content: MediaContent

    func wire(wallDate: (Duration) -> String) -> FileMetadata {
        FileMetadata(id: id, filename: filename, mimeType: mimeType, sizeBytes: size, createdAt: wallDate(created), expiresAt: expires.map(wallDate))
    }

    func hasExpired(at now: Duration) -> Bool { expires.map { now >= $0 } ?? false }

    /// The block types a message may reference this file from, as the Files
    /// guide pairs them: PDFs and plain text in `document`, images in `image`;
    /// anything may go to the code execution tool in `container_upload`.
    func fits(_ blockType: String) -> Bool {
        switch blockType {
        case "document": mimeType == "application/pdf" || mimeType == "text/plain"
        case "image": ["image/jpeg", "image/png", "image/gif", "image/webp"].contains(mimeType)
        default: true
        }
    }
}

/// The files uploaded to a mock. Files belong to the API key that uploaded them
/// (the mock's stand-in for a workspace); the storage limit is the whole mock's
/// (an organization's on the API).
final class FileStore: Sendable {
    private struct State: Sendable {
        var files = OwnedItems<StoredFile>()
        var stored = 0
        var uploaded = 0
    }
    private let state = Locked(State())

    enum Admission { case admitted(number: Int), overStorage }

    /// Takes a finished upload's room in storage and its number, or says it does not fit.
    func admit(size: Int, storageLimit: Int) -> Admission {
        state.withLock { state in
            guard state.stored + size <= storageLimit else { return .overStorage }
            state.stored += size
            state.uploaded += 1
            return .admitted(number: state.uploaded)
        }
    }

    func add(_ file: StoredFile) { state.withLock { $0.files.add(file) } }

    func file(_ id: String, apiKey: String) -> StoredFile? { state.withLock { $0.files.item(id, apiKey: apiKey) } }

    /// The key's files, newest first.
    func list(apiKey: String) -> [StoredFile] { state.withLock { $0.files.newestFirst(apiKey: apiKey) } }

    /// Whether the key had the file (and now has not).
    func delete(_ id: String, apiKey: String) -> Bool {
        state.withLock { state in
            guard state.files.item(id, apiKey: apiKey) != nil, let file = state.files.remove(id) else { return false }
            state.stored -= file.size
            return true
        }
    }
}
