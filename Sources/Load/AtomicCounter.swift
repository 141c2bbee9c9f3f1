import Synchronization

/// A shared counter that escaping closures can capture (an `Atomic` cannot be).
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    var current: Int { value.load(ordering: .relaxed) }

    /// Adds one; returns the value before.
    @discardableResult
    func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }

    func decrement() { value.subtract(1, ordering: .relaxed) }
}
