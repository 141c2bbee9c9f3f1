import Glibc

/// Finds bytes in bytes with `memchr` and `memcmp`, which run at C's speed in
/// a debug build too (Glibc's `memmem` is a GNU extension Swift does not see).
public enum ByteSearch {
    /// Where `needle` first starts in `haystack` at or after `start`.
    public static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = haystack.baseAddress, let first = needle.first else { return nil }
        var i = start
        return needle.withUnsafeBytes { needle in
            while haystack.count - i >= needle.count {
                guard let hit = memchr(base + i, Int32(first), haystack.count - i - needle.count + 1) else { return nil }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, needle.baseAddress!, needle.count) == 0 { return at }
                i = at + 1
            }
            return nil
        }
    }
}
