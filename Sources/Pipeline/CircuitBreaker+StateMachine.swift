extension CircuitBreaker {
    /// The breaker's states, each carrying its data; methods are named after events.
    struct StateMachine: Sendable {
        private enum State: Sendable {
            case closed(failures: Int)
            case open(until: Duration)
            case halfOpen(probeInFlight: Bool)
        }

        private var state: State = .closed(failures: 0)
        let threshold: Int
        let coolDown: Duration

        init(threshold: Int, coolDown: Duration) {
            self.threshold = max(1, threshold)
            self.coolDown = coolDown
        }

        var name: String {
            switch state {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }

        mutating func callWasRequested(at now: Duration) -> Bool {
            switch state {
            case .closed:
                return true
            case let .open(until):
                guard now >= until else { return false }
                state = .halfOpen(probeInFlight: true)
                return true
            case let .halfOpen(probeInFlight):
                if probeInFlight { return false }
                state = .halfOpen(probeInFlight: true)
                return true
            }
        }

        mutating func callSucceeded() {
            state = .closed(failures: 0)
        }

        mutating func callFailed(at now: Duration) {
            switch state {
            case let .closed(failures):
                state = failures + 1 >= threshold ? .open(until: now + coolDown) : .closed(failures: failures + 1)
            case .halfOpen:
                state = .open(until: now + coolDown)
            case .open:
                break
            }
        }
    }
}
