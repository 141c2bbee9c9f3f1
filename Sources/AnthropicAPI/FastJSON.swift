import ChaosCore
import Foundation

/// A small JSON reader for the mock's one hot input, the `/v1/messages` body.
///
/// `JSONDecoder` was the largest cost of a mock request after the encoder went.
/// This reader only has to be right on the bodies it accepts: on valid JSON it does
/// not take (a duplicate key, deep nesting, text that is not UTF-8) the caller
/// decodes with `JSONDecoder`, which also writes the error messages. Bad syntax it
/// reports as such, because `JSONDecoder` is more lenient than the API: it takes
/// a trailing comma in an object, which the API refuses.
enum FastJSON {
    enum Parsed {
        case value(Value)
        /// Not JSON (RFC 8259), whatever a lenient decoder makes of it.
        case malformed
        /// JSON this reader leaves to `JSONDecoder`.
        case unsupported
    }

    indirect enum Value {
        case object([(key: String, value: Value)])
        case array([Value])
        case string(String)
        case integer(Int)
        /// A number with a fraction or an exponent, or too long for `Int`, as
        /// `Double` reads it: only tool schemas and arguments keep it.
        case otherNumber(Double)
        case bool(Bool)
        case null

        subscript(key: String) -> Value? {
            guard case let .object(entries) = self else { return nil }
            return entries.first { $0.key == key }?.value
        }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Parsed {
        var reader = Reader(bytes: bytes)
        let value = reader.value(depth: 0)
        reader.skipSpace()
        guard let value, reader.index == bytes.count else { return reader.abandoned ? .unsupported : .malformed }
        return reader.unsupported ? .unsupported : .value(value)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Set on valid JSON the reader does not take; it reads on, so that bad
        /// syntax further on is still reported as such.
        var unsupported = false
        /// Set where the reader stops on valid JSON: nil then does not mean malformed.
        var abandoned = false

        /// Notes valid JSON left to the decoder, and reads on with a stand-in.
        mutating func leave<T>(_ standIn: T) -> T {
            unsupported = true
            return standIn
        }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) -> Value? {
            guard depth < 64 else { abandoned = true; return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case 0x7B: return object(depth: depth)
            case 0x5B: return array(depth: depth)
            case 0x22: return string().map(Value.string)
            case 0x74: return literal("true", .bool(true))
            case 0x66: return literal("false", .bool(false))
            case 0x6E: return literal("null", .null)
            default: return number()
            }
        }

        mutating func object(depth: Int) -> Value? {
            index += 1
            var entries: [(key: String, value: Value)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object(entries) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22, let key = string() else { return nil }
                // Which of two equal keys wins is the decoder's business, not ours.
                if entries.contains(where: { $0.key == key }) { unsupported = true }
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x3A else { return nil }
                index += 1
                guard let value = value(depth: depth + 1) else { return nil }
                entries.append((key, value))
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x7D { index += 1; return .object(entries) }
                return nil
            }
        }

        mutating func array(depth: Int) -> Value? {
            index += 1
            var values: [Value] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array(values) }
            while true {
                guard let value = value(depth: depth + 1) else { return nil }
                values.append(value)
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x5D { index += 1; return .array(values) }
                return nil
            }
        }

        mutating func literal(_ word: StaticString, _ value: Value) -> Value? {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return nil }
            for i in 0..<count where bytes[index + i] != word.utf8Start[i] { return nil }
            index += count
            return value
        }

        mutating func number() -> Value? {
            let start = index
            if index < bytes.count, bytes[index] == 0x2D { index += 1 }
            let digits = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > digits else { return nil }
            if bytes[digits] == 0x30, index - digits > 1 { return nil }
            let integerEnd = index
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                let fraction = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                guard index > fraction else { return nil }
            }
            if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
                index += 1
                if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
                let exponent = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                guard index > exponent else { return nil }
            }
            guard index == integerEnd, index - digits <= 18 else { return otherNumber(from: start) }
            var value = 0
            for i in digits..<integerEnd { value = value * 10 + Int(bytes[i] - 0x30) }
            if value == 0, bytes[start] == 0x2D { return .otherNumber(-0.0) }
            return .integer(bytes[start] == 0x2D ? -value : value)
        }

        /// The number before the reader as `Double` reads it (both it and the decoder
        /// round with `strtod`). One a `Double` does not hold, too large or so small it
        /// is lost, is left to the decoder, whose error or rounding it is.
        mutating func otherNumber(from start: Int) -> Value {
            let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
            guard let value = Double(String(decoding: text, as: UTF8.self)) else { return leave(.otherNumber(0)) }
            if value.isNormal { return .otherNumber(value) }
            let mantissa = text.prefix { $0 != 0x65 && $0 != 0x45 }
            let zero = mantissa.allSatisfy { $0 == 0x30 || $0 == 0x2E || $0 == 0x2D }
            return value == 0 && zero ? .otherNumber(value) : leave(.otherNumber(0))
        }

        /// A string literal; the reader stands on its opening quote.
        mutating func string() -> String? {
            index += 1
            let start = index
            // The common case: no escapes, so the bytes are the string. Scanned
            // through a local pointer, not `self`: a base64 image is megabytes of
            // one string, and a debug build read it four times slower so.
            var ascii = true
            if let base = bytes.baseAddress {
                var at = base + index
                let end = base + bytes.count
                while at < end {
                    let byte = at.pointee
                    if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                    if byte >= 0x80 { ascii = false }
                    at += 1
                }
                index = base.distance(to: at)
            }
            guard index < bytes.count, bytes[index] >= 0x20 else { return nil }
            if bytes[index] == 0x22 {
                defer { index += 1 }
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                // ASCII needs no validation; `String(validating:)` is not specialised
                // and looked up generic metadata on every call (a profile's 1.5 %).
                if ascii { return String(decoding: text, as: UTF8.self) }
                return String(validating: text, as: UTF8.self) ?? leave("")
            }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 {
                    index += 1
                    return String(validating: out, as: UTF8.self) ?? leave("")
                }
                guard byte >= 0x20 else { return nil }
                guard byte == 0x5C else { out.append(byte); index += 1; continue }
                index += 1
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: out.append(escape)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard let scalar = unicodeEscape() else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            }
            return nil
        }

        /// The scalar of a `\u` escape, the reader standing after the `u`, a
        /// surrogate pair joined; nil on bad hex. A lone surrogate is valid JSON
        /// that no Swift string holds, so it is left to the decoder.
        mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let high = hex4() else { return nil }
            guard (0xD800..<0xDC00).contains(high) else { return Unicode.Scalar(high) ?? leave("\u{FFFD}") }
            guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else { return leave("\u{FFFD}") }
            index += 2
            guard let low = hex4() else { return nil }
            guard (0xDC00..<0xE000).contains(low) else { return leave("\u{FFFD}") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x61...0x66: digit = byte - 0x61 + 10
                case 0x41...0x46: digit = byte - 0x41 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }
    }
}

extension MessagesRequest {
    /// The request in `bytes`, read without `JSONDecoder`; nil whenever the fast
    /// reader cannot be sure to agree with ``init(from:)``: then decode as usual.
    public static func fastDecode(_ bytes: UnsafeBufferPointer<UInt8>) -> MessagesRequest? {
        guard case let .value(root) = FastJSON.parse(bytes) else { return nil }
        return fast(root)
    }

    /// The request in `bytes`, read fast where it can be, else by `decoder`; throws
    /// a `DecodingError` (see ``RequestProblem``) for a body the API refuses.
    public static func decode(_ bytes: [UInt8], with decoder: JSONDecoder) throws -> MessagesRequest {
        switch bytes.withUnsafeBufferPointer(FastJSON.parse) {
        case let .value(root):
            if let request = fast(root) { return request }
        case .malformed:
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The request body is not valid JSON"))
        case .unsupported:
            break
        }
        return try decoder.decode(MessagesRequest.self, from: Data(bytes))
    }

    private static func fast(_ root: FastJSON.Value) -> MessagesRequest? {
        guard case .object = root else { return nil }
        var tools: [ToolDefinition]?
        switch root["tools"] {
        case nil, .null?: tools = nil
        case let .array(values)?:
            var read: [ToolDefinition] = []
            read.reserveCapacity(values.count)
            for value in values {
                guard let tool = ToolDefinition.fast(value) else { return nil }
                read.append(tool)
            }
            tools = read
        default: return nil
        }
        var toolChoice: ToolChoice?
        switch root["tool_choice"] {
        case nil, .null?: toolChoice = nil
        case let value?: guard let read = ToolChoice.fast(value) else { return nil }; toolChoice = read
        }
        var outputConfig: OutputConfig?
        switch root["output_config"] {
        case nil, .null?: outputConfig = nil
        case let value?: guard let read = OutputConfig.fast(value) else { return nil }; outputConfig = read
        }
        switch root["output_format"] {
        case nil, .null?: break
        case let value?:
            guard outputConfig?.format == nil else { break }
            guard let format = OutputFormat.fast(value) else { return nil }
            outputConfig = OutputConfig(format: format, effort: outputConfig?.effort)
        }
        var sampling: (temperature: Double?, topP: Double?, topK: Int?) = (nil, nil, nil)
        guard Self.number(root["temperature"], into: &sampling.temperature), Self.number(root["top_p"], into: &sampling.topP) else { return nil }
        switch root["top_k"] {
        case nil, .null?: break
        case let .integer(value)?: sampling.topK = value
        default: return nil
        }
        var thinking: ThinkingConfig?
        switch root["thinking"] {
        case nil, .null?: thinking = nil
        case let value?: guard let read = ThinkingConfig.fast(value) else { return nil }; thinking = read
        }
        guard case let .string(model)? = root["model"] else { return nil }
        var maxTokens: Int?
        switch root["max_tokens"] {
        case nil, .null?: maxTokens = nil
        case let .integer(value)?: maxTokens = value
        default: return nil
        }
        guard case let .array(items)? = root["messages"] else { return nil }
        var messages: [Message] = []
        messages.reserveCapacity(items.count)
        for item in items {
            guard let message = Message.fast(item) else { return nil }
            messages.append(message)
        }
        var system: [ContentBlock]?
        switch root["system"] {
        case nil, .null?: system = nil
        case let .string(text)?: system = [.text(text)]
        case let .array(blocks)?: guard let read = ContentBlock.fast(blocks) else { return nil }; system = read
        default: return nil
        }
        var stream: Bool?
        switch root["stream"] {
        case nil, .null?: stream = nil
        case let .bool(flag)?: stream = flag
        default: return nil
        }
        var stopSequences: [String]?
        switch root["stop_sequences"] {
        case nil, .null?: stopSequences = nil
        case let .array(values)?:
            var strings: [String] = []
            for value in values {
                guard case let .string(text) = value else { return nil }
                strings.append(text)
            }
            stopSequences = strings
        default: return nil
        }
        var request = MessagesRequest(
            model: model, maxTokens: maxTokens, messages: messages, system: system, stream: stream, stopSequences: stopSequences,
            tools: tools, toolChoice: toolChoice, thinking: thinking, outputConfig: outputConfig
        )
        (request.temperature, request.topP, request.topK) = sampling
        return request
    }
}

extension MessagesRequest {
    /// A number as the decoder reads it into a `Double`; false when it is not one.
    fileprivate static func number(_ value: FastJSON.Value?, into number: inout Double?) -> Bool {
        switch value {
        case nil, .null?: return true
        case let .integer(whole)?: number = Double(whole); return true
        case let .otherNumber(fraction)?: number = fraction; return true
        default: return false
        }
    }
}

extension Message {
    static func fast(_ value: FastJSON.Value) -> Message? {
        guard case let .string(roleText)? = value["role"], let role = Role(rawValue: roleText) else { return nil }
        switch value["content"] {
        case let .string(text)?: return Message(role: role, content: Message.content(of: text))
        case let .array(blocks)?: return ContentBlock.fast(blocks).map { Message(role: role, content: $0) }
        default: return nil
        }
    }
}

extension ContentBlock {
    static func fast(_ values: [FastJSON.Value]) -> [ContentBlock]? {
        var blocks: [ContentBlock] = []
        blocks.reserveCapacity(values.count)
        for value in values {
            guard case .object = value, case let .string(type)? = value["type"] else { return nil }
            var cacheControl = false
            switch value["cache_control"] {
            case nil, .null?: cacheControl = false
            default: cacheControl = true
            }
            var text = ""
            var toolUseID: String?
            var name: String?
            var input: JSONValue?
            var nestedBlocks: [ContentBlock]?
            switch type {
            case "tool_use":
                guard case let .string(id)? = value["id"], case let .string(tool)? = value["name"], let arguments = value["input"] else { return nil }
                // What a null input becomes is the decoder's to say.
                if case .null = arguments { return nil }
                toolUseID = id; name = tool; input = arguments.json
            case "thinking":
                guard case let .string(thoughts)? = value["thinking"] else { return nil }
                var block = ContentBlock(type: type, text: thoughts, cacheControl: cacheControl)
                switch value["signature"] {
                case nil, .null?: break
                case let .string(signature)?: block.signature = signature
                default: return nil
                }
                blocks.append(block)
                continue
            case "redacted_thinking":
                guard case let .string(data)? = value["data"] else { return nil }
                var block = ContentBlock(type: type, text: "", cacheControl: cacheControl)
                block.signature = data
                blocks.append(block)
                continue
            case "tool_result":
                guard case let .string(id)? = value["tool_use_id"] else { return nil }
                toolUseID = id
            default: break
            }
            if type == "text" {
                guard case let .string(body)? = value["text"] else { return nil }
                text = body
            } else {
                switch value["content"] {
                case let .string(nested)?: text = nested
                case let .array(nested)?:
                    guard let inner = fast(nested) else { return nil }
                    text = inner.map(\.text).joined(separator: "\n")
                    nestedBlocks = ContentBlock.keptNested(inner)
                case nil, .null?: text = ""
                // The decoder's `try?` falls through to "" for any other shape.
                default: text = ""
                }
            }
            var block = ContentBlock(type: type, text: text, cacheControl: cacheControl, toolUseID: toolUseID, name: name, input: input)
            block.nested = nestedBlocks
            if MediaSource.carried(by: type) {
                guard let source = MediaSource.fast(type == "container_upload" ? value : value["source"], block: type) else { return nil }
                block.source = source
            }
            blocks.append(block)
        }
        return blocks
    }
}

extension MediaSource {
    /// Nil for anything the decoder should judge. A `container_upload` block is
    /// its own source: its `file_id` is on the block.
    static func fast(_ value: FastJSON.Value?, block: String) -> MediaSource? {
        guard let value, case .object = value else { return nil }
        if block == "container_upload" {
            guard case let .string(id)? = value["file_id"] else { return nil }
            return MediaSource(type: "file", fileID: id)
        }
        guard case let .string(type)? = value["type"] else { return nil }
        // A custom-content document's blocks are the decoder's to read.
        if type == "content" { return nil }
        var source = MediaSource(type: type)
        for (key, path) in [("media_type", \MediaSource.mediaType), ("data", \.data), ("file_id", \.fileID)] {
            switch value[key] {
            case nil, .null?: break
            case let .string(text)?: source[keyPath: path] = text
            default: return nil
            }
        }
        return source
    }
}

extension ThinkingConfig {
    /// Nil for anything the decoder should judge: an unknown type or display, a
    /// budget that is not an integer.
    static func fast(_ value: FastJSON.Value) -> ThinkingConfig? {
        guard case .object = value, case let .string(type)? = value["type"] else { return nil }
        var config: ThinkingConfig
        switch type {
        case "enabled":
            guard case let .integer(budget)? = value["budget_tokens"] else { return nil }
            config = ThinkingConfig(.enabled(budgetTokens: budget))
        case "adaptive": config = ThinkingConfig(.adaptive)
        case "disabled": config = ThinkingConfig(.disabled)
        default: return nil
        }
        switch value["display"] {
        case nil, .null?: break
        case let .string(text)?: guard let display = Display(rawValue: text) else { return nil }; config.display = display
        default: return nil
        }
        return config
    }
}

extension ToolDefinition {
    /// Nil for anything the decoder should judge: a tool without a name, a field
    /// of the wrong type.
    static func fast(_ value: FastJSON.Value) -> ToolDefinition? {
        guard case .object = value, case let .string(name)? = value["name"] else { return nil }
        var tool = ToolDefinition(name: name, inputSchema: nil)
        switch value["type"] {
        case nil, .null?: break
        case let .string(type)?: tool.type = type
        default: return nil
        }
        switch value["description"] {
        case nil, .null?: break
        case let .string(description)?: tool.description = description
        default: return nil
        }
        switch value["input_schema"] {
        case nil, .null?: break
        case let schema?: tool.inputSchema = schema.json
        }
        return tool
    }
}

extension ToolChoice {
    /// Nil for an unknown type (the decoder words that 400) or a field of the wrong type.
    static func fast(_ value: FastJSON.Value) -> ToolChoice? {
        guard case .object = value, case let .string(type)? = value["type"] else { return nil }
        let mode: Mode
        switch type {
        case "auto": mode = .auto
        case "any": mode = .any
        case "none": mode = .none
        case "tool":
            guard case let .string(name)? = value["name"] else { return nil }
            mode = .tool(name)
        default: return nil
        }
        switch value["disable_parallel_tool_use"] {
        case nil, .null?: return ToolChoice(mode)
        case let .bool(flag)?: return ToolChoice(mode, disableParallelToolUse: flag)
        default: return nil
        }
    }
}

extension OutputConfig {
    /// Nil for anything the decoder should judge: an unknown format type, a schema
    /// that is not an object, a field of the wrong type.
    static func fast(_ value: FastJSON.Value) -> OutputConfig? {
        guard case .object = value else { return nil }
        var config = OutputConfig(format: nil)
        switch value["format"] {
        case nil, .null?: break
        case let format?: guard let read = OutputFormat.fast(format) else { return nil }; config.format = read
        }
        switch value["effort"] {
        case nil, .null?: break
        case let .string(effort)?: config.effort = effort
        default: return nil
        }
        return config
    }
}

extension OutputFormat {
    static func fast(_ value: FastJSON.Value) -> OutputFormat? {
        guard case .string("json_schema")? = value["type"], let schema = value["schema"], case .object = schema else { return nil }
        return OutputFormat(schema: schema.json)
    }
}

extension FastJSON.Value {
    /// The value as `JSONValue`'s decoder reads it: every number a `Double`.
    var json: JSONValue {
        switch self {
        case let .object(entries):
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(entries.count)
            // Keys are unique here: a body with a duplicate is the decoder's.
            for entry in entries { members[entry.key] = entry.value.json }
            return .object(members)
        case let .array(values): return .array(values.map(\.json))
        case let .string(text): return .string(text)
        case let .integer(value): return .number(Double(value))
        case let .otherNumber(value): return .number(value)
        case let .bool(flag): return .bool(flag)
        case .null: return .null
        }
    }
}
