/// What an API key made and can see: a batch, a file.
protocol Owned: Sendable {
    var id: String { get }
    var apiKey: String { get }
}

/// Things keys own, by id, in the order they were made: what the batch and
/// file stores keep behind their locks.
struct OwnedItems<Item: Owned>: Sendable {
    private var items: [String: Item] = [:]
    /// Ids, oldest first.
    private var order: [String] = []

    mutating func add(_ item: Item) {
        items[item.id] = item
        order.append(item.id)
    }

    /// The item, whoever owns it: for the store's own changes.
    subscript(id: String) -> Item? {
        get { items[id] }
        set { items[id] = newValue }
    }

    /// The item, if `apiKey` owns it: what a call may see.
    func item(_ id: String, apiKey: String) -> Item? {
        items[id].flatMap { $0.apiKey == apiKey ? $0 : nil }
    }

    /// The key's items, newest first, as the API's lists show them.
    func newestFirst(apiKey: String) -> [Item] {
        order.reversed().compactMap { items[$0] }.filter { $0.apiKey == apiKey }
    }

    @discardableResult
    mutating func remove(_ id: String) -> Item? {
        order.removeAll { $0 == id }
        return items.removeValue(forKey: id)
    }
}
