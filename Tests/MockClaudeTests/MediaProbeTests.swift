import AnthropicAPI
import Testing
@testable import MockClaude

/// The pieces that read an upload as it streams in: the multipart reader, the
/// probe that keeps what counting a file needs, the image headers.
@Suite("Reading uploads a chunk at a time")
struct MediaProbeTests {
    static let boundary = "XyZ"

    /// A body with two parts, the second the file, whose bytes hold near-misses
    /// of the delimiter.
    static let file = Array("a\r\n--XyAb\r\n-\r\n--X".utf8) + [0, 255, 13, 10] + Array("tail".utf8)
    static let body = Array("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nuser_data\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        + file + Array("\r\n--XyZ--\r\nepilogue".utf8)

    @Test(arguments: [1, 2, 5, 7, 16, 1000])
    func theReaderGivesThePartsWhateverTheChunks(_ size: Int) throws {
        var reader = MultipartReader(boundary: Self.boundary)
        var parts: [(headers: [(name: String, value: String)], body: [UInt8])] = []
        var index = 0
        while index < Self.body.count {
            let chunk = Self.body[index..<min(index + size, Self.body.count)]
            try reader.consume(chunk) { event in
                switch event {
                case let .headers(fields): parts.append((fields, []))
                case let .body(bytes): parts[parts.count - 1].body += bytes
                case .partEnd: break
                }
            }
            index += size
        }
        #expect(reader.finished)
        #expect(parts.count == 2)
        #expect(parts.first?.body == Array("user_data".utf8))
        #expect(parts.last?.body == Self.file, "chunks of \(size)")
        let disposition = parts.last?.headers.first { $0.name == "content-disposition" }?.value ?? ""
        #expect(Disposition.parameter("filename", in: disposition) == "a \"b\".bin")
        #expect(Disposition.parameter("name", in: disposition) == "file")
    }

    @Test func aBodyWithoutItsClosingDelimiterIsUnfinished() throws {
        var reader = MultipartReader(boundary: Self.boundary)
        try reader.consume(Self.body.prefix(Self.body.count - 20)) { _ in }
        #expect(!reader.finished)
    }

    @Test(arguments: [3, 11, 64, 100_000])
    func pdfPagesAreCountedAcrossChunksAndPagesTreesAreNot(_ size: Int) {
        // The last objects come after more than the probe keeps of a file's head.
        let padding = [UInt8](repeating: 0x25, count: MediaProbe.headLimit + 1000)
        let pdf = FilesAPITests.pdf(pages: 5) + padding + Array("<< /Type/Page >> << /Type\n/Pages >> << /Type /PageLabel >>".utf8)
        var probe = MediaProbe()
        var index = 0
        while index < pdf.count {
            probe.consume(pdf[index..<min(index + size, pdf.count)])
            index += size
        }
        #expect(probe.mimeType(declared: "application/octet-stream") == "application/pdf")
        #expect(probe.content(mimeType: "application/pdf") == .pdf(pages: 6), "chunks of \(size)")
    }

    @Test func imageSizesAreReadFromTheirHeaders() {
        let gif = Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00]
        // A JPEG whose frame header follows an APP0 segment.
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03]
        let webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [UInt8](repeating: 0, count: 8) + [0x1F, 0x03, 0x00, 0xDF, 0x01, 0x00]
        #expect(ImageHeader.size(of: FilesAPITests.png(width: 1000, height: 500))! == (1000, 500))
        #expect(ImageHeader.size(of: gif)! == (320, 240))
        #expect(ImageHeader.size(of: jpeg)! == (640, 480))
        #expect(ImageHeader.size(of: webp)! == (800, 480))
        #expect(ImageHeader.mimeType(of: Array("%PDF-1.7".utf8)) == nil)
    }

    @Test func aLongTextCountsAsItsBeginningScaled() {
        let text = MediaContent.text("four tokens right here", totalBytes: 22 * 10)
        #expect(text.tokens(.classic) == 10 * Tokenizer.classic.count("four tokens right here"))
    }
}
