import Foundation

/// One encoder for every JSON body: sorted keys make output byte-identical across
/// runs, so replays and golden files compare.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
