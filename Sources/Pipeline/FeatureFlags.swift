import Synchronization

/// Switches flipped at run time: the incident playbook's "turn that model off" as
/// code. A disabled model's tier is skipped, and the outcome says so.
public final class FeatureFlags: Sendable {
    private let disabled = Mutex<Set<String>>([])

    public init(disabledModels: Set<String> = []) {
        disabled.withLock { $0 = disabledModels }
    }

    public func disable(model: String) { disabled.withLock { _ = $0.insert(model) } }
    public func enable(model: String) { disabled.withLock { _ = $0.remove(model) } }
    public func isDisabled(_ model: String) -> Bool { disabled.withLock { $0.contains(model) } }
    public var disabledModels: [String] { disabled.withLock { $0.sorted() } }
}
