/// Where an `image` or `document` block's content comes from, or the file a
/// `container_upload` block hands the code execution tool. The mock counts
/// what it can read of it as input and checks that a file it names exists.
public struct MediaSource: Codable, Sendable, Equatable {
    /// `base64`, `url`, `file`, `text` or `content`.
    public var type: String
    public var mediaType: String?
    /// A `base64` source's data, a `text` source's text, or the text of a
    /// `content` source's blocks.
    public var data: String?
    /// A `file` source's upload, from the Files API.
    public var fileID: String?

    public init(type: String, mediaType: String? = nil, data: String? = nil, fileID: String? = nil) {
        self.type = type; self.mediaType = mediaType; self.data = data; self.fileID = fileID
    }

    /// The blocks whose content has a source.
    public static func carried(by blockType: String) -> Bool {
        blockType == "image" || blockType == "document" || blockType == "container_upload"
    }

    enum CodingKeys: String, CodingKey { case type, mediaType = "media_type", data, fileID = "file_id", content }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        mediaType = try c.decodeIfPresent(String.self, forKey: .mediaType)
        data = try c.decodeIfPresent(String.self, forKey: .data)
        fileID = try c.decodeIfPresent(String.self, forKey: .fileID)
        if type == "content" {
            if let text = try? c.decode(String.self, forKey: .content) {
                data = text
            } else {
                data = try c.decode([ContentBlock].self, forKey: .content).map(\.text).joined(separator: "\n")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(mediaType, forKey: .mediaType)
        try c.encodeIfPresent(fileID, forKey: .fileID)
        try c.encodeIfPresent(data, forKey: type == "content" ? .content : .data)
    }
}
