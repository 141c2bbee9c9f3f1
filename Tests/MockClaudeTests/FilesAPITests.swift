import AnthropicAPI
import AsyncHTTPClient
import ChaosCore
import Foundation
import NIOCore
import Testing
@testable import MockClaude

/// The Files API over loopback HTTP, and the files a message names by
/// `file_id`: checked against the key's uploads and counted as input.
@Suite("Files API over loopback HTTP")
struct FilesAPITests {
    /// The header of a PNG of this size (all the mock reads of an image).
    static func png(width: Int, height: Int) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + Array("IHDR".utf8) + be32(width) + be32(height) + [8, 2, 0, 0, 0] + be32(0)
    }

    /// A PDF whose page objects the mock can see: `pages` of them, and the page tree.
    static func pdf(pages: Int) -> [UInt8] {
        var text = "%PDF-1.4\n1 0 obj << /Type /Pages /Count \(pages) >> endobj\n"
        for page in 0..<pages { text += "\(page + 2) 0 obj << /Type /Page /Parent 1 0 R >> endobj\n" }
        return Array((text + "%%EOF\n").utf8)
    }

    static func upload(
        _ mock: MockFixture, _ bytes: [UInt8], filename: String = "upload.bin", type: String? = "application/octet-stream",
        field: String = "file", key: String = "sk-test-secret", fields: [(String, String)] = []
    ) async throws -> MockFixture.Reply {
        let boundary = "llmchaos-test-boundary"
        var body: [UInt8] = []
        for (name, value) in fields { body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8) }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n".utf8)
        if let type { body += Array("Content-Type: \(type)\r\n".utf8) }
        body += Array("\r\n".utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        var request = HTTPClientRequest(url: mock.baseURL + "/v1/files")
        request.method = .POST
        request.headers.add(name: "x-api-key", value: key)
        request.headers.add(name: "anthropic-beta", value: "files-api-2025-04-14")
        request.headers.add(name: "content-type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let reply = try await response.body.collect(upTo: 1 << 20)
        return MockFixture.Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: reply))
    }

    static func tokens(_ mock: MockFixture, model: String = "claude-sonnet-4-6", blocks: [String], key: String = "sk-test-secret") async throws -> MockFixture.Reply {
        let content = (blocks + [#"{"type":"text","text":"What is in it?"}"#]).joined(separator: ",")
        let body = #"{"model":"\#(model)","messages":[{"role":"user","content":[\#(content)]}]}"#
        return try await mock.post(body, path: "/v1/messages/count_tokens", headers: [("x-api-key", key)])
    }

    static func fileBlock(_ type: String, _ id: String) -> String { #"{"type":"\#(type)","source":{"type":"file","file_id":"\#(id)"}}"# }

    @Test func anUploadIsKeptListedAndDeletedButNeverDownloaded() async throws {
        try await MockFixture.with { mock in
            let uploaded = try await Self.upload(mock, Self.png(width: 800, height: 600), filename: "chart.png")
            #expect(uploaded.status == 200, "\(uploaded.body)")
            let id = try #require(uploaded.json["id"] as? String)
            #expect(id.hasPrefix("file_") && uploaded.json["type"] as? String == "file")
            #expect(uploaded.json["filename"] as? String == "chart.png" && uploaded.json["size_bytes"] as? Int == 33)
            #expect(uploaded.json["mime_type"] as? String == "image/png", "its bytes say what it is, whatever the client declared")
            #expect(uploaded.json["downloadable"] as? Bool == false)
            #expect((uploaded.json["created_at"] as? String)?.hasSuffix("Z") == true)

            let metadata = try await mock.request(.GET, "/v1/files/\(id)")
            #expect(metadata.status == 200 && metadata.json["id"] as? String == id)
            let download = try await mock.request(.GET, "/v1/files/\(id)/content")
            #expect(download.status == 400 && Self.errorCode(download) == "file_not_downloadable", "\(download.body)")
            #expect(metadata.json["expires_at"] is NSNull, "null: it does not expire")

            let other = try await mock.request(.GET, "/v1/files/\(id)", headers: [("x-api-key", "sk-other")])
            #expect(other.status == 404 && other.errorMessage == "File not found: \(id)", "files belong to the key that uploaded them")
            #expect((try await mock.request(.GET, "/v1/files", headers: [("x-api-key", "sk-other")]).json["data"] as? [Any])?.isEmpty == true)

            let second = try await Self.upload(mock, Array("plain words".utf8), filename: "notes.txt", type: nil)
            #expect(second.json["mime_type"] as? String == "text/plain", "by its name when nothing else says")
            let list = try await mock.request(.GET, "/v1/files?limit=1")
            #expect((list.json["data"] as? [[String: Any]])?.first?["id"] as? String == second.json["id"] as? String, "newest first")
            #expect(list.json["has_more"] as? Bool == true)
            let next = try await mock.request(.GET, "/v1/files?limit=1&after_id=\(list.json["last_id"] as? String ?? "")")
            #expect((next.json["data"] as? [[String: Any]])?.first?["id"] as? String == id && next.json["has_more"] as? Bool == false)
            let cursor = try #require(list.json["next_page"] as? String, "the cursor the SDKs page with")
            let paged = try await mock.request(.GET, "/v1/files?limit=1&page=\(cursor)")
            #expect((paged.json["data"] as? [[String: Any]])?.first?["id"] as? String == id && paged.json["next_page"] is NSNull)
            let picked = try await mock.request(.GET, "/v1/files?ids[]=\(id)&ids[]=file_unknown")
            #expect((picked.json["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [id], "unknown ids are left out")

            let deleted = try await mock.request(.DELETE, "/v1/files/\(id)")
            #expect(deleted.status == 200 && deleted.json["type"] as? String == "file_deleted" && deleted.json["id"] as? String == id)
            #expect(try await mock.request(.GET, "/v1/files/\(id)").status == 404)
            #expect(try await mock.request(.DELETE, "/v1/files/\(id)").status == 404)
        }
    }

    static func errorCode(_ reply: MockFixture.Reply) -> String? {
        ((reply.json["error"] as? [String: Any])?["details"] as? [String: Any])?["error_code"] as? String
    }

    @Test(arguments: [
        ("no part named file", "photo", "a.png", 400, "file: Field required"),
        ("a colon in the name", "file", "a:b.png", 400, "Invalid filename"),
        ("a control character in the name", "file", "a\u{7}.png", 400, "Invalid filename"),
    ])
    func aMalformedUploadIsRefused(_ what: String, _ field: String, _ filename: String, _ status: Int, _ message: String) async throws {
        try await MockFixture.with { mock in
            let reply = try await Self.upload(mock, Self.png(width: 10, height: 10), filename: filename, field: field)
            #expect(reply.status == status && reply.errorMessage?.hasPrefix(message) == true, "\(what): \(reply.body)")
            #expect((try await mock.request(.GET, "/v1/files").json["data"] as? [Any])?.isEmpty == true, "\(what): nothing kept")
        }
    }

    @Test func theNameKeptIsTheLastPathComponentOrUnnamed() async throws {
        try await MockFixture.with { mock in
            let nested = try await Self.upload(mock, Self.png(width: 10, height: 10), filename: "charts/q3/a.png")
            #expect(nested.json["filename"] as? String == "a.png", "\(nested.body)")
            let unnamed = try await Self.upload(mock, Self.pdf(pages: 1), filename: "")
            #expect(unnamed.json["filename"] as? String == "unnamed.pdf", "\(unnamed.body)")
        }
    }

    @Test func aBodyThatIsNotMultipartIsRefused() async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(#"{"file":"x"}"#, path: "/v1/files", headers: MockFixture.apiKey + [("content-type", "application/json")])
            #expect(reply.status == 400 && reply.errorType == "invalid_request_error", "\(reply.body)")
        }
    }

    @Test func theSizeAndStorageLimitsRefuseWhatDoesNotFit() async throws {
        try await MockFixture.with(configure: { $0.maxFileBytes = 1000; $0.fileStorageBytes = 1500 }) { mock in
            let tooLarge = try await Self.upload(mock, [UInt8](repeating: 7, count: 1001))
            #expect(tooLarge.status == 413 && tooLarge.errorType == "request_too_large", "\(tooLarge.body)")
            #expect(tooLarge.errorMessage == "File exceeds the limit of 1000 bytes", "a limit under a megabyte in bytes, not as 0 MB")
            let first = try await Self.upload(mock, [UInt8](repeating: 7, count: 1000))
            #expect(first.status == 200, "exactly the limit fits: \(first.body)")
            let full = try await Self.upload(mock, [UInt8](repeating: 7, count: 600))
            #expect(full.status == 400 && Self.errorCode(full) == "storage_quota_exceeded", "\(full.body)")
            _ = try await mock.request(.DELETE, "/v1/files/\(first.json["id"] as? String ?? "")")
            #expect(try await Self.upload(mock, [UInt8](repeating: 7, count: 600)).status == 200, "a delete makes room")
        }
    }

    /// width × height / 750 tokens, after the image is shrunk to the model's
    /// budget: 1,568 px and ~1,534 tokens before Claude 4.7, 2,576 px and 4,784 since.
    @Test(arguments: [
        ("claude-sonnet-4-6", 1000, 500, 667),
        ("claude-sonnet-4-6", 4000, 2000, 1534),
        ("claude-opus-4-8", 4000, 2000, 4424),
        ("claude-opus-4-8", 8000, 8000, 4784),
    ])
    func anImageFileCountsAsItsPixels(_ model: String, _ width: Int, _ height: Int, _ expected: Int) async throws {
        try await MockFixture.with { mock in
            let id = try #require(try await Self.upload(mock, Self.png(width: width, height: height)).json["id"] as? String)
            let plain = try await Self.tokens(mock, model: model, blocks: [])
            let withImage = try await Self.tokens(mock, model: model, blocks: [Self.fileBlock("image", id)])
            #expect(withImage.status == 200, "\(withImage.body)")
            let added = (withImage.json["input_tokens"] as? Int ?? 0) - (plain.json["input_tokens"] as? Int ?? 0)
            #expect(added == expected, "\(width)×\(height) on \(model)")
            // The same image sent inline counts the same.
            let inline = #"{"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(Data(Self.png(width: width, height: height)).base64EncodedString())"}}"#
            #expect(try await Self.tokens(mock, model: model, blocks: [inline]).json["input_tokens"] as? Int == withImage.json["input_tokens"] as? Int)
        }
    }

    @Test func aPDFCountsItsPagesAndATextFileItsText() async throws {
        try await MockFixture.with { mock in
            let pdf = try #require(try await Self.upload(mock, Self.pdf(pages: 3), filename: "report.pdf").json["id"] as? String)
            let text = String(repeating: "revenue by region ", count: 50)
            let notes = try #require(try await Self.upload(mock, Array(text.utf8), filename: "notes.txt", type: "text/plain").json["id"] as? String)
            let plain = try await Self.tokens(mock, blocks: []).json["input_tokens"] as? Int ?? 0
            let withPDF = try await Self.tokens(mock, blocks: [Self.fileBlock("document", pdf)]).json["input_tokens"] as? Int ?? 0
            #expect(withPDF - plain == 3 * (MediaContent.textPerPage + 1534), "three pages of text and a page image each")
            let withNotes = try await Self.tokens(mock, blocks: [Self.fileBlock("document", notes)]).json["input_tokens"] as? Int ?? 0
            #expect(withNotes - plain == Tokenizer.classic.count(text), "its text, as the same text in a prompt counts")
            let newer = try await Self.tokens(mock, model: "claude-opus-4-8", blocks: []).json["input_tokens"] as? Int ?? 0
            let newerNotes = try await Self.tokens(mock, model: "claude-opus-4-8", blocks: [Self.fileBlock("document", notes)]).json["input_tokens"] as? Int ?? 0
            #expect(newerNotes - newer == Tokenizer.claude47.count(text), "by the tokenizer of the model asked")
        }
    }

    @Test func aMessageNamingAFileItCannotUseIsRefused() async throws {
        try await MockFixture.with { mock in
            let image = try #require(try await Self.upload(mock, Self.png(width: 10, height: 10)).json["id"] as? String)
            let missing = try await Self.tokens(mock, blocks: [Self.fileBlock("image", "file_nope")])
            #expect(missing.status == 404 && missing.errorMessage == "File not found: file_nope", "\(missing.body)")
            let otherKey = try await Self.tokens(mock, blocks: [Self.fileBlock("image", image)], key: "sk-other")
            #expect(otherKey.status == 404, "another key's file: \(otherKey.body)")
            let wrongBlock = try await Self.tokens(mock, blocks: [Self.fileBlock("document", image)])
            #expect(wrongBlock.status == 400 && wrongBlock.errorMessage?.hasPrefix("Invalid file type") == true, "\(wrongBlock.body)")
            let message = try await mock.post(
                #"{"model":"claude-sonnet-4-6","max_tokens":50,"messages":[{"role":"user","content":[\#(Self.fileBlock("image", "file_gone")),{"type":"text","text":"hi"}]}]}"#
            )
            #expect(message.status == 404, "a live call is refused as count_tokens is: \(message.body)")
            let upload = #"{"type":"container_upload","file_id":"\#(image)"}"#
            #expect(try await Self.tokens(mock, blocks: [upload]).status == 200, "any file may go to the code execution tool")
        }
    }

    @Test func aBatchRequestNamingAMissingFileIsErrored() async throws {
        try await MockFixture.with { mock in
            let params = #"{"model":"claude-sonnet-4-6","max_tokens":50,"messages":[{"role":"user","content":[\#(Self.fileBlock("document", "file_nope"))]}]}"#
            let created = try await mock.post(#"{"requests":[{"custom_id":"a","params":\#(params)}]}"#, path: "/v1/messages/batches")
            let id = try #require(created.json["id"] as? String)
            let results = try await mock.request(.GET, "/v1/messages/batches/\(id)/results")
            let result = MessageBatchesTests.results(results.body)["a"] ?? [:]
            let error = (result["error"] as? [String: Any])?["error"] as? [String: Any]
            #expect(result["type"] as? String == "errored" && error?["type"] as? String == "not_found_error", "\(results.body)")
        }
    }

    @Test func faultsOnTheFilesPathsRefuseTheCallsAndKeepNothing() async throws {
        try await MockFixture.with(faults: "- inject: { status: 500 }\n  match: { path: '/v1/files*' }") { mock in
            let refused = try await Self.upload(mock, Self.png(width: 10, height: 10))
            #expect(refused.status == 500 && refused.header("x-llmchaos-faults") != nil, "\(refused.body)")
            let metrics = try await mock.request(.GET, "/metrics", headers: []).body
            #expect(metrics.contains(#"llmchaos_mock_requests_total{endpoint="files",status="500"} 1"#), "\(metrics)")
        }
        try await MockFixture.with(faults: "- inject: { rate_limit: { retry_after: 3s } }\n  match: { path: /v1/files }") { mock in
            let limited = try await Self.upload(mock, Self.png(width: 10, height: 10))
            #expect(limited.status == 429 && limited.header("retry-after") == "3", "\(limited.body)")
        }
        // The Files API's own requests a minute, as a bucket of the file calls alone.
        try await MockFixture.with(faults: "- inject: { rate_limit: { requests_per_minute: 2 } }\n  match: { path: '/v1/files*' }", clock: ManualClock()) { mock in
            #expect(try await Self.upload(mock, Self.png(width: 10, height: 10)).status == 200)
            #expect(try await mock.request(.GET, "/v1/files").status == 200)
            let third = try await mock.request(.GET, "/v1/files")
            #expect(third.status == 429 && third.header("anthropic-ratelimit-requests-limit") == "2", "\(third.body)")
        }
        // One bucket for all of a key's messages (`per: key`) is still not its file calls' bucket.
        try await MockFixture.with(faults: "- inject: { rate_limit: { requests_per_minute: 1, per: key } }", clock: ManualClock()) { mock in
            let hi = try await mock.post(MockFixture.body("Hi"))
            let uploaded = try await Self.upload(mock, Self.png(width: 10, height: 10))
            let again = try await mock.post(MockFixture.body("Hi again", model: "claude-sonnet-4-6"))
            let listed = try await mock.request(.GET, "/v1/files")
            #expect(hi.status == 200)
            #expect(uploaded.status == 200, "the file calls draw from a bucket of their own")
            #expect(again.status == 429, "any model, one bucket for the key")
            #expect(listed.status == 429)
        }
    }
}

extension FilesAPITests {
    static func upload(_ mock: MockFixture, _ bytes: [UInt8], expiresIn: String) async throws -> MockFixture.Reply {
        try await upload(mock, bytes, filename: "a.png", type: nil, fields: [("expires_in_seconds", expiresIn)])
    }

    /// A file uploaded with `expires_in_seconds` expires on the scenario clock:
    /// its metadata stays, its content is gone for messages and downloads.
    @Test func aFileExpiresOnTheScenarioClock() async throws {
        let clock = ManualClock()
        try await MockFixture.with(clock: clock) { mock in
            #expect(try await Self.upload(mock, Self.png(width: 10, height: 10), expiresIn: "60").status == 400, "under an hour")
            let uploaded = try await Self.upload(mock, Self.png(width: 10, height: 10), expiresIn: "3600")
            let id = try #require(uploaded.json["id"] as? String, "\(uploaded.body)")
            #expect(uploaded.json["expires_at"] as? String == "2026-01-01T01:00:00.000Z", "\(uploaded.body)")
            #expect(try await Self.tokens(mock, blocks: [Self.fileBlock("image", id)]).status == 200)
            clock.advance(by: .seconds(3600))
            let expired = try await Self.tokens(mock, blocks: [Self.fileBlock("image", id)])
            #expect(expired.status == 404 && Self.errorCode(expired) == "file_expired", "\(expired.body)")
            let download = try await mock.request(.GET, "/v1/files/\(id)/content")
            #expect(download.status == 404 && Self.errorCode(download) == "file_expired", "\(download.body)")
            #expect(try await mock.request(.GET, "/v1/files/\(id)").status == 200, "its metadata stays")
        }
    }

    @Test func anImageOverTheSizeLimitIsRefusedWithItsPath() async throws {
        try await MockFixture.with { mock in
            let huge = try #require(try await Self.upload(mock, Self.png(width: 9000, height: 100)).json["id"] as? String)
            let reply = try await Self.tokens(mock, blocks: [Self.fileBlock("image", huge)])
            #expect(reply.status == 400 && Self.errorCode(reply) == "image_dimensions_too_large", "\(reply.body)")
            let details = (reply.json["error"] as? [String: Any])?["details"] as? [String: Any]
            #expect(details?["max_side_length_pixels"] as? Int == 8000 && details?["paths"] as? [String] == ["messages.0.content.0"])
        }
    }
}

extension FilesAPITests {
    /// The pattern the caching guide shows for a large document: the document
    /// marked `cache_control`, a question after it. Its tokens are written to
    /// the cache once and read from it after; another document is a miss.
    @Test func aCachedDocumentIsWrittenOnceThenReadAndAnotherMisses() async throws {
        try await MockFixture.with { mock in
            let first = try #require(try await Self.upload(mock, Self.pdf(pages: 2), filename: "a.pdf").json["id"] as? String)
            let second = try #require(try await Self.upload(mock, Self.pdf(pages: 2), filename: "b.pdf").json["id"] as? String)
            func ask(_ id: String) async throws -> [String: Int] {
                let document = #"{"type":"document","source":{"type":"file","file_id":"\#(id)"},"cache_control":{"type":"ephemeral"}}"#
                let body = #"{"model":"claude-sonnet-4-6","max_tokens":20,"messages":[{"role":"user","content":[\#(document),{"type":"text","text":"Summarize it."}]}]}"#
                let reply = try await mock.post(body)
                return (reply.json["usage"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
            }
            let pages = 2 * (MediaContent.textPerPage + 1534)
            let written = try await ask(first)
            #expect(written["cache_creation_input_tokens"].map { $0 >= pages } == true && written["cache_read_input_tokens"] == 0, "\(written)")
            let read = try await ask(first)
            #expect(read["cache_read_input_tokens"] == written["cache_creation_input_tokens"] && read["cache_creation_input_tokens"] == 0, "\(read)")
            #expect(read["input_tokens"] == written["input_tokens"] && read["input_tokens"].map { $0 < 20 } == true, "only the question is uncached: \(read)")
            let other = try await ask(second)
            #expect(other["cache_creation_input_tokens"] == written["cache_creation_input_tokens"] && other["cache_read_input_tokens"] == 0, "another file is another prefix: \(other)")
        }
    }
}

extension FilesAPITests {
    /// A computer-use agent hands screenshots back in tool results: they count,
    /// and an oversized one is named by its place inside the result.
    @Test func imagesInsideToolResultsCountAndAreAddressedThere() async throws {
        try await MockFixture.with { mock in
            func result(_ width: Int, _ height: Int) -> String {
                let data = Data(Self.png(width: width, height: height)).base64EncodedString()
                return #"{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"done"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"\#(data)"}}]}"#
            }
            func body(_ result: String) -> String {
                #"{"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"Take a screenshot."},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"computer","input":{}}]},{"role":"user","content":[\#(result)]}],"tools":[{"name":"computer","description":"d","input_schema":{"type":"object"}}]}"#
            }
            let small = try await mock.post(body(result(10, 10)), path: "/v1/messages/count_tokens")
            let large = try await mock.post(body(result(1200, 750)), path: "/v1/messages/count_tokens")
            #expect(small.status == 200 && large.status == 200, "\(small.body) \(large.body)")
            #expect((large.json["input_tokens"] as? Int ?? 0) - (small.json["input_tokens"] as? Int ?? 0) == 1200 - 1, "1,200 tokens against 1")
            let huge = try await mock.post(body(result(9000, 10)), path: "/v1/messages/count_tokens")
            let details = (huge.json["error"] as? [String: Any])?["details"] as? [String: Any]
            #expect(details?["paths"] as? [String] == ["messages.2.content.0.content.1"], "\(huge.body)")
        }
    }

    @Test func textAndCustomContentDocumentsCountTheirText() async throws {
        try await MockFixture.with { mock in
            let plain = try await Self.tokens(mock, blocks: []).json["input_tokens"] as? Int ?? 0
            let text = #"{"type":"document","source":{"type":"text","media_type":"text/plain","data":"Revenue grew in every region."}}"#
            let chunks = #"{"type":"document","source":{"type":"content","content":[{"type":"text","text":"Revenue grew"},{"type":"text","text":"in every region."}]}}"#
            let withText = try await Self.tokens(mock, blocks: [text]).json["input_tokens"] as? Int ?? 0
            let withChunks = try await Self.tokens(mock, blocks: [chunks]).json["input_tokens"] as? Int ?? 0
            #expect(withText - plain == Tokenizer.classic.count("Revenue grew in every region."))
            #expect(withChunks - plain == Tokenizer.classic.count("Revenue grew\nin every region."))
        }
    }

    @Test func anInlinePDFCountsItsPages() async throws {
        try await MockFixture.with { mock in
            let inline = #"{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"\#(Data(Self.pdf(pages: 4)).base64EncodedString())"}}"#
            let plain = try await Self.tokens(mock, blocks: []).json["input_tokens"] as? Int ?? 0
            let withPDF = try await Self.tokens(mock, blocks: [inline]).json["input_tokens"] as? Int ?? 0
            #expect(withPDF - plain == 4 * (MediaContent.textPerPage + 1534))
        }
    }
}

extension FilesAPITests {
    /// A capacity planner's document-heavy prompts meet the input-token wall
    /// their media put them at: two screenshots of 1,334 tokens fill a
    /// 3,000-token minute that the same questions in text alone never would.
    @Test func mediaTokensCountAgainstAnInputTokenLimit() async throws {
        try await MockFixture.with(faults: "- inject: { rate_limit: { input_tokens_per_minute: 3000 } }", clock: ManualClock()) { mock in
            let id = try #require(try await Self.upload(mock, Self.png(width: 1000, height: 1000)).json["id"] as? String)
            func ask(_ blocks: [String]) async throws -> Int {
                let content = (blocks + [#"{"type":"text","text":"What changed?"}"#]).joined(separator: ",")
                return try await mock.post(#"{"model":"claude-sonnet-4-6","max_tokens":20,"messages":[{"role":"user","content":[\#(content)]}]}"#).status
            }
            #expect(try await ask([Self.fileBlock("image", id)]) == 200)
            #expect(try await ask([Self.fileBlock("image", id)]) == 200)
            #expect(try await ask([Self.fileBlock("image", id)]) == 429, "the third screenshot is past the minute's 3,000 tokens")
        }
    }
}

extension FilesAPITests {
    /// Large prompts fail first on a bad day: a fault narrowed by
    /// `match.input_tokens` hits the request its screenshot makes large.
    @Test func aFaultCanHitOnlyTheLargePrompts() async throws {
        try await MockFixture.with(faults: "- inject: overloaded\n  match: { input_tokens: 1000.. }") { mock in
            let id = try #require(try await Self.upload(mock, Self.png(width: 1000, height: 1000)).json["id"] as? String)
            func ask(_ blocks: [String]) async throws -> Int {
                let content = (blocks + [#"{"type":"text","text":"What changed?"}"#]).joined(separator: ",")
                return try await mock.post(#"{"model":"claude-sonnet-4-6","max_tokens":20,"messages":[{"role":"user","content":[\#(content)]}]}"#).status
            }
            #expect(try await ask([]) == 200)
            #expect(try await ask([Self.fileBlock("image", id)]) == 529)
        }
    }
}
