import ChaosCore

/// Reads a file as it arrives, a chunk at a time, and keeps only what counting
/// it needs (``MediaContent``): its first bytes, which say what it is and an
/// image's size; a PDF's pages, counted on the way; a text's beginning.
struct MediaProbe {
    static let headLimit = 64 * 1024
    static let textLimit = 8 * 1024 * 1024

    private(set) var size = 0
    private var head: [UInt8] = []
    private var text: [UInt8] = []
    private var pages = 0
    /// The end of the previous chunk of a PDF, so a `/Type /Page` split between chunks is seen.
    private var carry: [UInt8] = []
    private var scanned = false

    /// The first bytes, enough to tell one upload from another of the same name and size.
    var signature: ArraySlice<UInt8> { head.prefix(4096) }

    private var isPDF: Bool { head.starts(with: Array("%PDF-".utf8)) }
    private var isImage: Bool { ImageHeader.mimeType(of: head) != nil }

    mutating func consume(_ chunk: some Collection<UInt8>) {
        size += chunk.count
        let seen = head.prefix(5)
        if head.count < Self.headLimit { head.append(contentsOf: chunk.prefix(Self.headLimit - head.count)) }
        if isPDF {
            // The chunk that showed it a PDF may not have been its first: the
            // few bytes before it (fewer than the signature's five) come first.
            let window = (scanned ? carry : Array(seen)) + chunk
            pages += Self.pageObjects(in: window, skippingFirst: scanned ? carry.count : 0)
            carry = Array(window.suffix(24))
            scanned = true
        } else if !isImage, text.count < Self.textLimit {
            text.append(contentsOf: chunk.prefix(Self.textLimit - text.count))
        }
    }

    /// What the bytes are: their signature says, else the type the client gave.
    func mimeType(declared: String?, filename: String = "") -> String {
        if let sniffed = ImageHeader.mimeType(of: head) { return sniffed }
        if isPDF { return "application/pdf" }
        let declared = declared?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let declared, !declared.isEmpty, declared != "application/octet-stream" { return declared }
        if filename.lowercased().hasSuffix(".txt") { return "text/plain" }
        return "application/octet-stream"
    }

    func content(mimeType: String) -> MediaContent {
        switch mimeType {
        case "application/pdf": return .pdf(pages: pages > 0 ? pages : max(1, size / 100_000))
        case "text/plain": return .text(String(decoding: text, as: UTF8.self), totalBytes: size)
        default:
            guard let (width, height) = ImageHeader.size(of: head) else { return .other }
            return .image(width: width, height: height)
        }
    }

    /// `/Type /Page` objects (not `/Pages`) whose next byte comes after `skip`:
    /// the ones the previous window could not tell from `/Pages`. PDFs that keep
    /// their objects in compressed streams show none; their pages are then
    /// guessed from their size (a page per 100 kB).
    static func pageObjects(in bytes: [UInt8], skippingFirst skip: Int) -> Int {
        let type = Array("/Type".utf8), page = Array("/Page".utf8)
        var count = 0, i = 0
        bytes.withUnsafeBytes { raw in
            while let found = ByteSearch.find(type, in: raw, from: i) {
                var j = found + type.count
                while j < raw.count, [0x20, 0x0A, 0x0D, 0x09].contains(raw[j]) { j += 1 }
                if j + page.count < raw.count, page.indices.allSatisfy({ raw[j + $0] == page[$0] }) {
                    let next = raw[j + page.count] | 0x20
                    if !(next >= 0x61 && next <= 0x7A), j + page.count >= skip { count += 1 }
                }
                i = j
            }
        }
        return count
    }
}
