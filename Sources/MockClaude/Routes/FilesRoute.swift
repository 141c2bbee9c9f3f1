import AnthropicAPI
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
            case .tooLarge: (.requestTooLarge, "File exceeds the \(limit / 1_000_000) MB limit (\(limit) bytes)")
            case .notMultipart: (.invalidRequest, "file: the body must be multipart/form-data with the file in a part named 'file'")
            case .malformed: (.invalidRequest, "file: the multipart/form-data body is malformed")
            }
            return await call.respond(request, context, path: "/v1/files", endpoint: .files, refusal: { (type, message) }) { .refused(type, message) }
        }
        let filename = upload.filename ?? "upload"
        let mimeType = upload.probe.mimeType(declared: upload.declaredType, filename: filename)
        // What tells an upload sent again from a new one: its name, size and first bytes.
        let identity = Array("\(filename)\n\(upload.probe.size)\n".utf8) + upload.probe.signature
        return await call.respond(request, context, path: "/v1/files", endpoint: .files, body: identity, refusal: {
            guard upload.found else { return (.invalidRequest, "file: Field required") }
            return Self.filenameProblem(filename).map { (.invalidRequest, $0) }
        }) {
            let storage = runtime.configuration.fileStorageBytes
            guard case let .admitted(number) = runtime.files.admit(size: upload.probe.size, storageLimit: storage) else {
                return .refused(.permission, "Storage limit exceeded: the organization's files take up to \(storage) bytes; delete files to make room")
            }
            let file = StoredFile(
                id: "file_" + MessagesRoute.requestID("file-\(number)", 0, seed: runtime.plan.seed).dropFirst(4),
                apiKey: MessagesRoute.apiKey(request.headers) ?? "", filename: filename, mimeType: mimeType,
                size: upload.probe.size, created: runtime.clock.now(), content: upload.probe.content(mimeType: mimeType)
            )
            runtime.files.add(file)
            return .json(wire(file))
        }
    }

    func list(_ request: Request, _ context: MockRequestContext) async -> Response {
        let query = request.uri.queryParameters
        let files = runtime.files.list(apiKey: MessagesRoute.apiKey(request.headers) ?? "")
        let page = FileList(
            of: files, id: \.id, limit: query.get("limit", as: Int.self), afterID: query.get("after_id"), beforeID: query.get("before_id")
        ) { wire($0) }
        return await call.respond(request, context, path: "/v1/files", endpoint: .files) { .json(page) }
    }

    func metadata(_ request: Request, _ context: MockRequestContext) async -> Response {
        let (id, key) = target(request, context)
        return await call.respond(request, context, path: "/v1/files/\(id)", endpoint: .files, refusal: { missing(id, key) }) {
            guard let file = runtime.files.file(id, apiKey: key) else { return .refused(.notFound, Self.notFound(id)) }
            return .json(wire(file))
        }
    }

    /// Only files the code execution tool or a skill made can be downloaded,
    /// and the mock runs neither: every upload is `downloadable: false`.
    func content(_ request: Request, _ context: MockRequestContext) async -> Response {
        let (id, key) = target(request, context)
        return await call.respond(request, context, path: "/v1/files/\(id)/content", endpoint: .files, refusal: { missing(id, key) }) {
            .refused(.permission, "File \(id) is not downloadable: only files created by the code execution tool or a skill can be downloaded")
        }
    }

    func delete(_ request: Request, _ context: MockRequestContext) async -> Response {
        let (id, key) = target(request, context)
        return await call.respond(request, context, path: "/v1/files/\(id)", endpoint: .files, refusal: { missing(id, key) }) {
            runtime.files.delete(id, apiKey: key) ? .json(DeletedFile(id: id)) : .refused(.notFound, Self.notFound(id))
        }
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

    private func target(_ request: Request, _ context: MockRequestContext) -> (id: String, apiKey: String) {
        (context.parameters.get("id") ?? "", MessagesRoute.apiKey(request.headers) ?? "")
    }

    private func missing(_ id: String, _ key: String) -> (APIErrorType, String)? {
        runtime.files.file(id, apiKey: key) == nil ? (.notFound, Self.notFound(id)) : nil
    }

    private func wire(_ file: StoredFile) -> FileMetadata {
        file.wire { StoredBatch.rfc3339(runtime.clock.wallDate(at: $0)) }
    }
}
