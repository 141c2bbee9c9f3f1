import Faults
import NIOCore

/// A JSON answer whose body breaks once begun, as steps: half the body, then the
/// break (cut short, stalled, closed or reset). Its whole latency passes before
/// its head (``AnswerRenderer/jsonWait``), so there is no pause between.
///
/// The body is made when it is due, not held through the wait.
struct BrokenBodyScript: AnswerScript, Sendable {
    private var body: (@Sendable () -> ByteBuffer)?
    private let ending: StreamScript.Ending

    init(_ kind: FaultEffect.StreamBreak, body: @escaping @Sendable () -> ByteBuffer) {
        self.body = body
        switch kind {
        case .truncate: ending = .finish(ending: "truncated", errorType: nil)
        // Only streams carry error events; a JSON body with one is cut instead.
        case let .error(type, _): ending = .finish(ending: "truncated", errorType: type.rawValue)
        case let .stall(cap): ending = .stall(cap: cap)
        case let .disconnect(reset): ending = .disconnect(reset: reset)
        }
    }

    mutating func next() -> StreamScript.Step {
        if let make = body.take() {
            let whole = make()
            let half = whole.getSlice(at: whole.readerIndex, length: whole.readableBytes / 2) ?? whole
            // An empty write would end a chunked body early.
            if half.readableBytes > 0 { return .write(half) }
        }
        return .end(ending)
    }
}
