import ChaosCore

/// What a model writes after a prefill: the request wrote the start of the
/// answer (a final assistant message), the model goes on from there and the
/// response holds only what it added. Apps prefill to hold the model to a
/// shape: `` ```sql `` with `stop_sequences: ["```"]`, `SELECT`, `<sql>`, `{`.
/// The rules are few so that a test can predict the text; the first that
/// applies wins, `answer` being what the model would have written unprompted.
public enum PrefillContinuation {
    public static func text(after prefill: String, answer: String) -> String {
        guard !prefill.isEmpty else { return answer }
        // 1. The prefill is how the answer starts: the rest of it.
        if answer.hasPrefix(prefill) { return String(answer.dropFirst(prefill.count)) }
        let block = fencedBlock(answer)
        let content = block?.body ?? answer
        let line = lastLine(of: prefill)
        // 2. The app opened a code fence itself (any label): the code, then the fence closed.
        if line.hasPrefix("```") { return "\n" + content + "\n```" }
        // 3. The prefill starts the code (`SELECT`): the rest of it, without a
        //    fence the app did not open.
        if let block, !line.isEmpty, block.body.hasPrefix(line) { return String(block.body.dropFirst(line.count)) }
        // 4. An open tag (`<sql>`): the content, then the tag closed.
        if let tag = openTag(endingWith: line) { return content + "</" + tag + ">" }
        // 5. An open JSON object: the rest of one, the content under a key.
        if prefill.hasSuffix("{") {
            if answer.hasPrefix("{") { return String(answer.dropFirst()) }
            let key = block.map { $0.label.isEmpty ? "code" : $0.label } ?? "answer"
            return JSONValue.string(key).jsonText + ": " + JSONValue.string(content).jsonText + "}"
        }
        // 6. Prose: the answer, after a space or, for a code block, a new line.
        return (answer.hasPrefix("```") ? "\n" : " ") + answer
    }

    /// The label and body of an answer that is one fenced code block (a golden
    /// question's SQL is written so).
    static func fencedBlock(_ answer: String) -> (label: String, body: String)? {
        guard answer.hasPrefix("```"), answer.hasSuffix("\n```"), let newline = answer.firstIndex(of: "\n") else { return nil }
        let bodyStart = answer.index(after: newline), bodyEnd = answer.index(answer.endIndex, offsetBy: -4)
        guard bodyStart <= bodyEnd else { return nil }
        return (String(answer[answer.index(answer.startIndex, offsetBy: 3)..<newline]), String(answer[bodyStart..<bodyEnd]))
    }

    private static func lastLine(of text: String) -> Substring {
        let line = text.lastIndex(of: "\n").map { text[text.index(after: $0)...] } ?? text[...]
        return line.drop { $0 == " " || $0 == "\t" }
    }

    /// `sql` for a line ending in `<sql>` (or `<sql lang="x">`); nil for a closing tag or no tag.
    private static func openTag(endingWith line: Substring) -> Substring? {
        guard line.hasSuffix(">"), let open = line.lastIndex(of: "<") else { return nil }
        let inside = line[line.index(after: open)..<line.index(before: line.endIndex)]
        let name = inside.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return name.isEmpty ? nil : name
    }
}
