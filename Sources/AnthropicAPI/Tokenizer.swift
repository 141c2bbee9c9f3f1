/// A stand-in for Claude's tokenizers: a word is cut into pieces of a few
/// letters or digits, a punctuation mark is a piece of its own, and whitespace
/// belongs to the piece after it. The same pieces are counted for `usage` and
/// sent as stream deltas, so the two always agree.
///
/// Claude 4.7 and later models count the same text as more tokens than earlier
/// ones (Anthropic: "roughly 1× to 1.35× as many tokens … varying by content";
/// the Haiku 5.5 page: "approximately 30% more"; public measurements put
/// English prose near 1.3–1.45×, code 1.15–1.3×, digits and non-Latin scripts
/// unchanged). ``claude47`` cuts words that begin with a Latin letter shorter,
/// which gives 1.23–1.32× on this project's prompts, docs and SQL and leaves
/// numbers and other scripts as they were. That is what moves when an app
/// changes its model id: usage and cost, rate-limit walls, the context window.
public struct Tokenizer: Sendable, Hashable {
    /// Letters and digits in a piece that begins with an ASCII letter: at the
    /// start of its word, and further in. A piece that begins with anything
    /// else (a digit, a letter outside ASCII) has up to four.
    let latinFirst: Int
    let latinRest: Int

    /// Claude models before 4.7: about four characters of a word per token,
    /// close to what their tokenizer reports for English and SQL.
    public static let classic = Tokenizer(latinFirst: 4, latinRest: 4)
    /// Claude Opus 4.7 and every model after it.
    public static let claude47 = Tokenizer(latinFirst: 3, latinRest: 2)

    /// Splits `text` into token-sized pieces whose concatenation is `text`.
    public func pieces(of text: String) -> [Substring] {
        var pieces: [Substring] = []
        pieces.reserveCapacity(text.utf8.count / 4 + 1)
        var start = text.startIndex
        while start < text.endIndex {
            let end = pieceEnd(in: text, from: start)
            pieces.append(text[start..<end])
            start = end
        }
        return pieces
    }

    /// Where the piece of `text` that begins at `start` ends: after its leading
    /// whitespace and its word part (or punctuation mark); whitespace that ends
    /// the text joins the last piece. For walking a text a piece at a time.
    /// - Precondition: `start < text.endIndex`.
    public func pieceEnd(in text: String, from start: String.Index) -> String.Index {
        let end = text.endIndex
        var i = start
        while i < end, text[i].isWhitespace { i = text.index(after: i) }
        if i == end { return end }
        if Self.isWordCharacter(text[i]) {
            let beginsWord = i > text.startIndex ? !Self.isWordCharacter(text[text.index(before: i)]) : true
            let limit = pieceLimit(startingWith: text[i].asciiValue, beginsWord: beginsWord)
            var n = 0
            while i < end, n < limit, Self.isWordCharacter(text[i]) { i = text.index(after: i); n += 1 }
        } else {
            i = text.index(after: i)
        }
        var rest = i
        while rest < end, text[rest].isWhitespace { rest = text.index(after: rest) }
        return rest == end ? end : i
    }

    /// How many tokens `text` counts as.
    public func count(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { count(utf8: $0) }
    }

    /// Input tokens of a request: its text plus a small overhead per message, as the
    /// real count includes role markers.
    public func inputTokens(of request: MessagesRequest) -> Int {
        // `allText` counted block by block, without joining: the newline that joins
        // two blocks ends any word and is not counted itself, so the sum is the same
        // (tested), and the strings and arrays joining made were a tenth of a request.
        var total = 3 * request.messages.count + 4
        // By index: a `for` over blocks copies each whole block (ten fields).
        if let system = request.system { for i in system.indices { total += count(system[i].text) } }
        for message in request.messages {
            for i in message.content.indices where !message.content[i].isThinking { total += count(message.content[i].text) }
        }
        if let schema = request.outputSchema { total += count(schema.jsonText) }
        for tool in request.tools ?? [] { total += count(tool.promptText) }
        return total
    }

    /// The count by `Character`: the definition, for any text.
    func characterCount(_ text: String) -> Int {
        var state = Counting()
        for ch in text { state.add(ch, self) }
        return state.count
    }

    /// The same count, read a byte at a time where the text is ASCII, as prompts and
    /// SQL almost always are: Unicode's tables (`isLetter`, `isWhitespace`) were 7 %
    /// of every request, and 80 % of answering a 2 MB prompt with one arrow in it,
    /// when any non-ASCII character sent the whole text through them. Only a stretch
    /// of other characters goes by `Character` now, with the ASCII character on each
    /// side of it: a combining mark joins the one before into one `Character`, a
    /// prepended mark the one after, and two ASCII characters are always two.
    func count(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var state = Counting()
        let n = bytes.count
        var i = 0
        while i < n {
            if bytes[i] < 0x80, i + 1 == n || bytes[i + 1] < 0x80 {
                state.add(ascii: bytes[i], self)
                i += 1
                continue
            }
            var end = i + 1
            repeat {
                while end < n, bytes[end] >= 0x80 { end += 1 }
                if end < n { end += 1 }
            } while end < n && bytes[end] >= 0x80
            for ch in String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self) { state.add(ch, self) }
            i = end
        }
        return state.count
    }

    /// The count so far and where in a word the text is.
    private struct Counting {
        var count = 0
        /// Letters and digits the current piece can still take.
        var left = 0
        var inWord = false

        mutating func add(_ ch: Character, _ tokenizer: Tokenizer) {
            if Tokenizer.isWordCharacter(ch) {
                addWordCharacter(ch.asciiValue, tokenizer)
            } else {
                endWord(counting: !ch.isWhitespace)
            }
        }

        mutating func add(ascii byte: UInt8, _ tokenizer: Tokenizer) {
            if Tokenizer.isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) {
                addWordCharacter(byte, tokenizer)
            } else {
                // Character.isWhitespace in ASCII: space and \t \n \v \f \r.
                endWord(counting: !(byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)))
            }
        }

        private mutating func addWordCharacter(_ ascii: UInt8?, _ tokenizer: Tokenizer) {
            if left == 0 {
                count += 1
                left = tokenizer.pieceLimit(startingWith: ascii, beginsWord: !inWord)
            }
            left -= 1
            inWord = true
        }

        private mutating func endWord(counting mark: Bool) {
            left = 0
            inWord = false
            if mark { count += 1 }
        }
    }

    private func pieceLimit(startingWith byte: UInt8?, beginsWord: Bool) -> Int {
        guard let byte, Self.isASCIILetter(byte) else { return 4 }
        return beginsWord ? latinFirst : latinRest
    }

    private static func isWordCharacter(_ ch: Character) -> Bool { ch.isLetter || ch.isNumber }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
    }
}
