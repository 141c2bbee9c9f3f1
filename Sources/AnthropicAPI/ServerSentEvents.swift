/// Splits a `text/event-stream` into events as its chunks arrive, on bytes (a
/// stream of short events is parsed per chunk, on the load generator's hot path).
///
/// Lines end in `\n` or `\r\n`; an event ends at a blank line and is handed out
/// only when it carried `data:` (as the SSE spec dispatches); several `data:` lines
/// join with `\n`; one space after the colon is dropped.
public struct ServerSentEvents: Sendable {
    public struct Event: Sendable, Equatable {
        /// The `event:` field; nil when the event had none (the spec's "message").
        public var name: String?
        public var data: String
    }

    private var line: [UInt8] = []
    private var name: String?
    private var data: [UInt8]?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            guard byte == 0x0A else { line.append(byte); continue }
            if line.last == 0x0D { line.removeLast() }
            if line.isEmpty {
                if let data { events.append(Event(name: name, data: String(decoding: data, as: UTF8.self))) }
                name = nil
                data = nil
            } else {
                take(line)
            }
            line.removeAll(keepingCapacity: true)
        }
        return events
    }

    private mutating func take(_ line: [UInt8]) {
        let colon = line.firstIndex(of: 0x3A) ?? line.endIndex
        var value = line[min(colon + 1, line.endIndex)...]
        if value.first == 0x20 { value = value.dropFirst() }
        let field = line[..<colon]
        if field.elementsEqual("event".utf8) {
            name = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("data".utf8) {
            if data == nil { data = Array(value) } else { data!.append(0x0A); data!.append(contentsOf: value) }
        }
    }
}
