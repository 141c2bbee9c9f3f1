extension String {
    /// Whether any UTF-8 byte satisfies `predicate`, read through the string's own
    /// storage: a byte at a time through `UTF8View` costs several times as much, and
    /// this runs on every request's values.
    @inlinable public func containsUTF8Byte(where predicate: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(where: predicate) } ?? utf8.contains(where: predicate)
    }
}
