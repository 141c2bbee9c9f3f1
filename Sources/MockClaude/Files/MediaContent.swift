import AnthropicAPI
import Foundation

/// What the mock keeps of a file or an inline image or document to count it as
/// input: an image's size, a PDF's pages, a text's text. The API's own counts
/// come from rendering; these are its published rules of thumb, so a prompt that
/// carries a PDF weighs on the context window and the input-token limits roughly
/// as it would there.
enum MediaContent: Sendable, Equatable {
    case image(width: Int, height: Int)
    case pdf(pages: Int)
    /// The text read (up to ``MediaProbe/textLimit`` bytes) and the whole size:
    /// a longer text counts as its beginning does, scaled.
    case text(String, totalBytes: Int)
    /// A text counted once, by each tokenizer, for a file that is kept.
    case countedText([Tokenizer: Int])
    /// Nothing a message can read (a data set for the code execution tool).
    case other

    /// Input tokens for a model that counts text with `tokenizer`.
    func tokens(_ tokenizer: Tokenizer) -> Int {
        switch self {
        case let .image(width, height): ImageBudget(tokenizer).tokens(width: width, height: height)
        case let .pdf(pages): pages * (Self.textPerPage + ImageBudget(tokenizer).tokens(width: 1700, height: 2200))
        case let .text(text, totalBytes):
            text.utf8.isEmpty ? 0 : Int((Double(tokenizer.count(text)) * Double(totalBytes) / Double(text.utf8.count)).rounded(.up))
        case let .countedText(counts): counts[tokenizer] ?? counts[.classic] ?? 0
        case .other: 0
        }
    }

    /// What a kept file holds of this: a text is counted now, by every tokenizer
    /// a model uses, rather than each time a message names it (megabytes of
    /// text take a debug build a good part of a second to count).
    var kept: MediaContent {
        guard case .text = self else { return self }
        return .countedText(Dictionary(uniqueKeysWithValues: [Tokenizer.classic, .claude47].map { ($0, tokens($0)) }))
    }

    /// The PDF guide: "each page typically uses 1,500-3,000 tokens" of text,
    /// besides the image of the page.
    static let textPerPage = 2000

    /// The content of a `base64` or `text` source, or nil when the mock cannot
    /// read it (a `url`, which it never fetches; a `file`, read from the store).
    static func inline(_ source: MediaSource) -> MediaContent? {
        switch source.type {
        case "text", "content": return source.data.map { .text($0, totalBytes: $0.utf8.count) }
        case "base64":
            guard let data = source.data else { return nil }
            // An image's size is in its first bytes: decode no more of it than the probe keeps.
            let isImage = source.mediaType?.hasPrefix("image/") == true
            let text = isImage ? data.utf8.prefix(MediaProbe.headLimit / 3 * 4) : data.utf8[...]
            var probe = MediaProbe()
            // Cut where line breaks put the groups of four off, the head does not
            // decode: then the whole does.
            let decoded = Data(base64Encoded: Data(text), options: .ignoreUnknownCharacters)
                ?? Data(base64Encoded: Data(data.utf8), options: .ignoreUnknownCharacters) ?? Data()
            probe.consume(decoded)
            return probe.content(mimeType: source.mediaType ?? "")
        default: return nil
        }
    }
}

/// How images are scaled before they are counted: width × height / 750 tokens,
/// after the image is shrunk (keeping its shape) to fit. Claude 4.7 and later
/// read up to 2,576 px on the long edge (at most 4,784 tokens); earlier models
/// 1,568 px and about 1.15 megapixels (some 1,600 tokens). The tokenizer tells
/// the generations apart.
struct ImageBudget {
    let longEdge: Double
    let maxTokens: Double

    init(_ tokenizer: Tokenizer) {
        (longEdge, maxTokens) = tokenizer == .claude47 ? (2576, 4784) : (1568, 1534)
    }

    func tokens(width: Int, height: Int) -> Int {
        guard width > 0, height > 0 else { return 0 }
        var w = Double(width), h = Double(height)
        let edge = max(w, h)
        if edge > longEdge { w *= longEdge / edge; h *= longEdge / edge }
        return Int(min(w * h / 750, maxTokens).rounded(.up))
    }
}
