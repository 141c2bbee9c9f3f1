/// The type and size of an image from its first bytes: the four formats the
/// API takes (JPEG, PNG, GIF, WebP).
enum ImageHeader {
    static func mimeType(of bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WEBP".utf8) { return "image/webp" }
        return nil
    }

    static func size(of b: [UInt8]) -> (width: Int, height: Int)? {
        switch mimeType(of: b) {
        case "image/png": return b.count >= 24 ? (be32(b, 16), be32(b, 20)) : nil
        case "image/gif": return b.count >= 10 ? (le16(b, 6), le16(b, 8)) : nil
        case "image/webp": return webp(b)
        case "image/jpeg": return jpeg(b)
        default: return nil
        }
    }

    /// The frame header (SOF0–SOF15 but DHT, JPG and DAC) carries the size.
    private static func jpeg(_ b: [UInt8]) -> (Int, Int)? {
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return (be16(b, i + 7), be16(b, i + 5))
            }
            i += 2 + be16(b, i + 2)
        }
        return nil
    }

    private static func webp(_ b: [UInt8]) -> (Int, Int)? {
        guard b.count >= 30 else { return nil }
        switch String(decoding: b[12..<16], as: UTF8.self) {
        case "VP8 ": return (le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF)
        case "VP8L":
            let bits = UInt32(b[21]) | UInt32(b[22]) << 8 | UInt32(b[23]) << 16 | UInt32(b[24]) << 24
            return (Int(bits & 0x3FFF) + 1, Int((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return (le24(b, 24) + 1, le24(b, 27) + 1)
        default: return nil
        }
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    private static func be32(_ b: [UInt8], _ i: Int) -> Int { be16(b, i) << 16 | be16(b, i + 2) }
    private static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    private static func le24(_ b: [UInt8], _ i: Int) -> Int { le16(b, i) | Int(b[i + 2]) << 16 }
}
