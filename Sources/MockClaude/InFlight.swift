import Synchronization

/// How many API requests the mock is serving right now (hung, stalled and streaming
/// ones included), for `/_chaos/health`.
final class InFlight: Sendable {
    private let count = Atomic<Int>(0)
    var current: Int { count.load(ordering: .relaxed) }

    /// A ticket counts one request for as long as it lives: the handler and the
    /// body writer hold it, so every way a request can end releases it.
    final class Ticket: Sendable {
        private let owner: InFlight
        init(_ owner: InFlight) {
            self.owner = owner
            owner.count.add(1, ordering: .relaxed)
        }
        deinit { owner.count.subtract(1, ordering: .relaxed) }
    }

    func ticket() -> Ticket { Ticket(self) }
}
