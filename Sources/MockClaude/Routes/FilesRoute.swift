import AnthropicAPI
import Foundation
import Hummingbird

/// The Files API: `POST /v1/files` (a `multipart/form-data` upload), the list,
/// `GET`/`DELETE /v1/files/{id}` and `/content`. Files belong to the API key
/// that uploaded them; messages and batch requests name them by `file_id`
/// (``MediaInput``). Each call is subject to the faults that match its path.
struct FilesRoute: Sendable {
    let runtime: MockRuntime
    let call: PlainCall

    func upload(_ request: Request, _ context: MockRequestContext) async -> Response {
        let limit = runtime.configuration.maxFileBytes
        let read = await FileUpload.read(request.body, contentType: MessagesRoute.value(of: "content-type", in: request.headers), limit: limit)
        let upload: FileUpload
        switch read {
        case let .success(read): upload = read
        case let .failure(problem):
            let (type, message): (APIErrorType, String) = switch problem {
            case .tooLarge: (.requestTooLarge, limit % 1_000_000 == 0 ? "File exceeds the \(limit / 1_000_000) MB limit" : "File exceeds the limit of \(limit) bytes")
            case .notMultipart: (.invalidRequest, "file: the body must be multipart/form-data with the file in a part named 'file'")
            case .malformed: (.invalidRequest, "file: the multipart/form-data body is malformed")
            }
            return await call.respond(request, context, path: "/v1/files", endpoint: .files, refusal: { (type, message) }) { .refused(type, message) }
        }
        let mimeType = upload.probe.mimeType(declared: upload.declaredType, filename: upload.filename ?? "")
        let filename = Self.kept(upload.filename, mimeType: mimeType)
        let lifetimeField = upload.fields["expires_in_seconds"]
        let lifetime = lifetimeField.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        // What tells an upload sent again from a new one: its name, size and first bytes.
        let identity = Array("\(filename)\n\(upload.probe.size)\n".utf8) + upload.probe.signature
        return await call.respond(request, context, path: "/v1/files", endpoint: .files, body: identity, refusal: {
            guard upload.found else { return (.invalidRequest, "file: Field required") }
            if lifetimeField != nil, !(lifetime.map(Self.lifetimes.contains) ?? false) {
                return (.invalidRequest, "expires_in_seconds: must be an integer from \(Self.lifetimes.lowerBound) (one hour) to \(Self.lifetimes.upperBound) (ninety days)")
            }
            return Self.filenameProblem(filename).map { (.invalidRequest, $0) }
        }) {
            let storage = runtime.configuration.fileStorageBytes
            guard case let .admitted(number) = runtime.files.admit(size: upload.probe.size, storageLimit: storage) else {
                return .refused(
                    .invalidRequest, "The organization's file storage quota (\(storage) bytes) is exhausted: delete files to free up space, then retry the upload",
                    details: ErrorDetails("storage_quota_exceeded")
                )
            }
            let created = runtime.clock.now()
            let file = StoredFile(
                id: "file_" + MessagesRoute.requestID("file-\(number)", 0, seed: runtime.plan.seed).dropFirst(4),
                apiKey: MessagesRoute.apiKey(request.headers) ?? "", filename: filename, mimeType: mimeType, size: upload.probe.size,
                created: created, expires: lifetime.map { created + .seconds($0) }, content: upload.probe.content(mimeType: mimeType).kept
            )
            runtime.files.add(file)
            return .json(wire(file))
        }
    }

    /// Newest first. `ids[]` picks files (one page, unknown ids left out);
    /// `page` (a `next_page` cursor) or `after_id` pages on, `before_id` back.
    func list(_ request: Request, _ context: MockRequestContext) async -> Response {
        let query = request.uri.queryParameters
        var files = runtime.files.list(apiKey: MessagesRoute.apiKey(request.headers) ?? "")
        // The SDKs send `ids[]=…`, brackets percent-encoded, which the router leaves so.
        let ids = Set(query.compactMap { ["ids", "ids[]"].contains(String($0.key).removingPercentEncoding) ? String($0.value) : nil })
        if !ids.isEmpty { files = files.filter { ids.contains($0.id) } }
        let cursor = query.get("page").flatMap { $0.hasPrefix(FileList.cursorPrefix) ? String($0.dropFirst(FileList.cursorPrefix.count)) : nil }
        let page = FileList(ListPage(
            of: files, id: \.id, limit: ids.isEmpty ? query.get("limit", as: Int.self) : 1000,
            afterID: cursor ?? query.get("after_id"), beforeID: query.get("before_id")
        ) { wire($0) })
        return await call.respond(request, context, path: "/v1/files", endpoint: .files) { .json(page) }
    }

    func metadata(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/files/\($0)" }) { .json(wire($0)) }
    }

    /// Only files the code execution tool or a skill made can be downloaded,
    /// and the mock runs neither: every upload is `downloadable: false`.
    func content(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/files/\($0)/content" }) { file in
            if file.hasExpired(at: runtime.clock.now()) { return Self.expired(file) }
            return .refused(
                .invalidRequest, "File \(file.id) is not downloadable: only files created by a tool, such as the code execution tool, can be downloaded",
                details: ErrorDetails("file_not_downloadable")
            )
        }
    }

    func delete(_ request: Request, _ context: MockRequestContext) async -> Response {
        await about(request, context, path: { "/v1/files/\($0)" }) { file in
            runtime.files.delete(file.id, apiKey: file.apiKey) ? .json(DeletedFile(id: file.id)) : .refused(.notFound, Self.notFound(file.id))
        }
    }

    /// A call about the file the path names.
    private func about(
        _ request: Request, _ context: MockRequestContext, path: (String) -> String, answer: (StoredFile) async -> PlainCall.Answer
    ) async -> Response {
        await call.respond(about: request, context, path: path, endpoint: .files, find: runtime.files.file, notFound: Self.notFound, answer: answer)
    }

    /// How the API answers for a file whose `expires_at` has passed.
    static func expired(_ file: StoredFile) -> PlainCall.Answer {
        .refused(.notFound, expiredMessage(file.id), details: ErrorDetails("file_expired"))
    }

    static func expiredMessage(_ id: String) -> String { "File \(id) has expired: its content is no longer available" }

    static let lifetimes = 3600...7_776_000

    /// The Files API keeps only the last path component of an upload's name;
    /// no name at all becomes `unnamed` and the extension of its type.
    static func kept(_ filename: String?, mimeType: String) -> String {
        let last = filename?.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        guard last.isEmpty else { return last }
        let extensions = ["application/pdf": ".pdf", "text/plain": ".txt", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"]
        return "unnamed" + (extensions[mimeType] ?? "")
    }

    /// The Files guide's rule: 1–255 characters, none of `< > : " | ? * \ /`
    /// nor a control character (U+0000–U+001F).
    static func filenameProblem(_ name: String) -> String? {
        let forbidden: Set<Character> = ["<", ">", ":", "\"", "|", "?", "*", "\\", "/"]
        guard (1...255).contains(name.count), !name.unicodeScalars.contains(where: { $0.value < 0x20 }),
              !name.contains(where: forbidden.contains) else {
            return "Invalid filename: a filename has 1 to 255 characters and none of < > : \" | ? * \\ / or control characters"
        }
        return nil
    }

    static func notFound(_ id: String) -> String { "File not found: \(id)" }

    private func wire(_ file: StoredFile) -> FileMetadata {
        file.wire { StoredBatch.rfc3339(runtime.clock.wallDate(at: $0)) }
    }
}
