import AnthropicAPI

/// The images, documents and uploads a request's messages carry: each `file`
/// source checked against the key's files, and all of them counted as input.
enum MediaInput {
    struct Problem: Error {
        let type: APIErrorType
        let message: String
    }

    /// The input tokens the request's media add, or the API's error for a
    /// `file_id` the key has no file for (404) or a file in the wrong kind of
    /// block (400). Zero, at the cost of one pass over the blocks, for a request
    /// of text alone.
    static func tokens(
        in request: MessagesRequest, files: FileStore, apiKey: String, tokenizer: Tokenizer
    ) -> Result<Int, Problem> {
        var total = 0
        for message in request.messages {
            for block in message.content {
                guard let source = block.source else { continue }
                let content: MediaContent?
                if source.type == "file" {
                    guard let id = source.fileID, let file = files.file(id, apiKey: apiKey) else {
                        return .failure(Problem(type: .notFound, message: FilesRoute.notFound(source.fileID ?? "")))
                    }
                    guard file.fits(block.type) else {
                        return .failure(Problem(type: .invalidRequest, message: wrongBlock(file, block.type)))
                    }
                    content = file.content
                } else {
                    content = MediaContent.inline(source)
                }
                // What a container_upload carries is the code execution tool's to
                // read; the mock runs no tool, so it counts nothing.
                if block.type != "container_upload", let content { total += content.tokens(tokenizer) }
            }
        }
        return .success(total)
    }

    private static func wrongBlock(_ file: StoredFile, _ blockType: String) -> String {
        let fits = file.fits("image") ? "an image block" : file.fits("document") ? "a document block" : "a container_upload block"
        return "Invalid file type: file \(file.id) is \(file.mimeType), which a\(blockType == "image" ? "n" : "") \(blockType) block does not take; send it in \(fits)"
    }
}
