import AnthropicAPI
import ChaosCore

/// The images, documents and uploads a request's messages carry: each `file`
/// source checked against the key's files, and all of them counted as input.
enum MediaInput {
    struct Problem: Error {
        let type: APIErrorType
        let message: String
        var details: ErrorDetails? = nil
    }

    /// What a request's media add to its input: all their tokens, and those of
    /// the media in its cacheable prefix with what tells them apart (a file's
    /// id, inline data's hash), which the prompt cache keys on with the prefix's text.
    struct Tally: Sendable, Equatable {
        var tokens = 0
        var prefixTokens = 0
        var prefixIdentity: [String] = []
    }

    /// The input tokens the request's media add, or the API's error for a
    /// `file_id` the key has no file for (404), a file that has expired (404),
    /// a file in the wrong kind of block or an image too large (400). Zero, at
    /// the cost of one pass over the blocks, for a request of text alone.
    static func tokens(
        in request: MessagesRequest, files: FileStore, apiKey: String, tokenizer: Tokenizer, now: Duration
    ) -> Result<Tally, Problem> {
        // Text alone, the common case, costs one look at each block's type, not a
        // copy of its source (every other kind of block takes the whole look).
        guard request.messages.contains(where: { $0.content.contains { $0.type != "text" } }) else { return .success(Tally()) }
        var tally = Tally()
        var images: [(path: String, width: Int, height: Int)] = []
        // Blocks are numbered as `cacheablePrefix` numbers them: the system prompt's first.
        var position = request.system?.count ?? 0
        // Found only once a block has media: a request of text alone never pays for it.
        var prefixEnd: Int?
        for (m, message) in request.messages.enumerated() {
            for (b, block) in message.content.enumerated() {
                defer { position += 1 }
                guard block.source != nil || block.nested != nil else { continue }
                // A tool result's images (a computer-use screenshot) count as the
                // block around them; they are addressed inside it.
                let media = [(block, "messages.\(m).content.\(b)")]
                    + (block.nested ?? []).enumerated().map { ($1, "messages.\(m).content.\(b).content.\($0)") }
                for (block, path) in media {
                    guard let source = block.source else { continue }
                    switch content(of: block, source, files: files, apiKey: apiKey, now: now) {
                    case let .failure(problem): return .failure(problem)
                    case .success(nil): continue
                    case let .success(content?):
                        if block.type == "image", case let .image(width, height) = content { images.append((path, width, height)) }
                        let tokens = content.tokens(tokenizer)
                        tally.tokens += tokens
                        if prefixEnd == nil { prefixEnd = request.cachePrefixEnd ?? -1 }
                        if position <= prefixEnd! {
                            tally.prefixTokens += tokens
                            tally.prefixIdentity.append(source.fileID ?? String(StableHash.hash(source.data ?? "")))
                        }
                    }
                }
            }
        }
        if let problem = oversized(images) { return .failure(problem) }
        return .success(tally)
    }

    /// What a block's source holds, read inline or from the key's files; nil
    /// for what the mock cannot or need not read (a `url`; a `container_upload`,
    /// which is the code execution tool's to read, and the mock runs no tool).
    private static func content(
        of block: ContentBlock, _ source: MediaSource, files: FileStore, apiKey: String, now: Duration
    ) -> Result<MediaContent?, Problem> {
        guard source.type == "file" else { return .success(block.type == "container_upload" ? nil : MediaContent.inline(source)) }
        guard let id = source.fileID, let file = files.file(id, apiKey: apiKey) else {
            return .failure(Problem(type: .notFound, message: FilesRoute.notFound(source.fileID ?? "")))
        }
        guard !file.hasExpired(at: now) else {
            return .failure(Problem(type: .notFound, message: FilesRoute.expiredMessage(id), details: ErrorDetails("file_expired")))
        }
        guard file.fits(block.type) else { return .failure(Problem(type: .invalidRequest, message: wrongBlock(file, block.type))) }
        return .success(block.type == "container_upload" ? nil : file.content)
    }

    /// The vision guide's limit: 8,000 px a side, 2,000 px when a request has
    /// more than 20 images.
    private static func oversized(_ images: [(path: String, width: Int, height: Int)]) -> Problem? {
        let limit = images.count > 20 ? 2000 : 8000
        let over = images.filter { max($0.width, $0.height) > limit }.map(\.path)
        guard !over.isEmpty else { return nil }
        return Problem(
            type: .invalidRequest,
            message: "\(over.joined(separator: ", ")): image dimensions exceed max allowed size: \(limit) pixels",
            details: ErrorDetails("image_dimensions_too_large", ["max_side_length_pixels": .number(Double(limit)), "paths": .array(over.map { .string($0) })])
        )
    }

    private static func wrongBlock(_ file: StoredFile, _ blockType: String) -> String {
        let fits = file.fits("image") ? "an image block" : file.fits("document") ? "a document block" : "a container_upload block"
        return "Invalid file type: file \(file.id) is \(file.mimeType), which a\(blockType == "image" ? "n" : "") \(blockType) block does not take; send it in \(fits)"
    }
}
