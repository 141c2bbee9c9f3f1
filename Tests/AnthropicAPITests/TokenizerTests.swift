import Foundation
import Testing
@testable import AnthropicAPI

@Suite struct TokenizerTests {
    static let both: [Tokenizer] = [.classic, .claude47]

    static let texts = [
        "SELECT SUM(revenue) FROM sales WHERE x > 1", "Hello, world! Ünïcode and\nnewlines  ", "", "   ",
        "customerId2026 x1234y 2026-12-02 日本語のテキスト", "a", "abcd efgh1 9abcdefg",
    ]

    @Test(arguments: both, texts)
    func piecesRebuildTheTextAndMatchTheCount(tokenizer: Tokenizer, text: String) {
        let pieces = tokenizer.pieces(of: text)
        #expect(pieces.joined() == text)
        #expect(pieces.filter { !$0.allSatisfy(\.isWhitespace) }.count == tokenizer.count(text))
    }

    /// Whitespace leads a piece, and whitespace ending the text joins the last.
    @Test func theClassicTokenizerCutsFourLettersAPiece() {
        let t = Tokenizer.classic
        #expect(t.pieces(of: "Hello, world  ") == ["Hell", "o", ",", " worl", "d  "])
        #expect(t.pieces(of: " SUM(x)\n") == [" SUM", "(", "x", ")\n"])
        #expect(t.pieces(of: "  ") == ["  "])
        #expect(t.pieces(of: "customers") == ["cust", "omer", "s"])
    }

    /// A word that begins with a Latin letter: three letters, then two at a
    /// time. Digits and other scripts are cut as before.
    @Test func theNewerTokenizerCutsLatinWordsShorter() {
        let t = Tokenizer.claude47
        #expect(t.pieces(of: "Hello, world  ") == ["Hel", "lo", ",", " wor", "ld  "])
        #expect(t.pieces(of: "customers") == ["cus", "to", "me", "rs"])
        #expect(t.pieces(of: " SUM(x)\n") == [" SUM", "(", "x", ")\n"])
        #expect(t.pieces(of: "2026 12345") == ["2026", " 1234", "5"])
        #expect(t.pieces(of: "9abcdefg") == ["9abc", "de", "fg"], "each piece by its own first character")
        #expect(t.pieces(of: "日本語のテキスト") == Tokenizer.classic.pieces(of: "日本語のテキスト"))
    }

    /// The figures the sources give: about 30 % more for English and code,
    /// within 1.0–1.35×; numbers and non-Latin text unchanged.
    @Test func theNewerTokenizerCountsProseAndCodeAboutAThirdHigher() {
        let prose = """
            Claude Sonnet 5 is a drop-in upgrade for Claude Sonnet 4.6, priced at two dollars per million \
            input tokens. There are two breaking changes for code already running on the earlier model: \
            thinking is on by default, and sampling parameters set to other values return an error.
            """
        let sql = "SELECT r.name, SUM(o.amount) AS revenue FROM orders o JOIN regions r ON r.id = o.region_id GROUP BY r.name ORDER BY revenue DESC"
        for text in [prose, sql] {
            let ratio = Double(Tokenizer.claude47.count(text)) / Double(Tokenizer.classic.count(text))
            #expect(ratio > 1.15 && ratio <= 1.35, "\(ratio) for \(text.prefix(20))")
        }
        for text in ["2026-12-02T22:54:13Z 3.14159 1000000", "Привет, как дела? 你好世界"] {
            #expect(Tokenizer.claude47.count(text) == Tokenizer.classic.count(text))
        }
    }

    /// Read by bytes where it is ASCII, the count is the count by `Character` for
    /// any text: ASCII, and ASCII with what Unicode joins to its characters (combining
    /// and prepended marks, CR LF, emoji sequences, flags, conjuncts).
    @Test(arguments: both)
    func theByteCountIsTheCharacterCount(tokenizer: Tokenizer) {
        var random = SystemRandomNumberGenerator()
        // Letters and digits weighted up, so words of every length come up.
        let ascii = Array(0..<128).map { Unicode.Scalar(UInt8($0)) } + "abcdefghijXYZ0123456789 abcdefghij".unicodeScalars
        let other: [Unicode.Scalar] = [
            "\u{301}", "\u{308}", "\u{600}", "\u{110BD}", "\u{200D}", "\u{FE0F}", "\u{1F469}", "\u{1F1EB}", "\u{1F1F7}",
            "\u{915}", "\u{94D}", "\u{937}", "é", "ü", "日", "本", "\u{A0}", "\u{85}", "\u{2028}", "\u{3000}", "Ⅻ", "²", "→", "’",
        ]
        for round in 0..<800 {
            // Half the texts pure ASCII, the rest with a few others among it.
            let pool = round % 2 == 0 ? ascii : ascii + other + other + other
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<80, using: &random) { scalars.append(pool.randomElement(using: &random)!) }
            let text = String(scalars)
            #expect(tokenizer.count(text) == tokenizer.characterCount(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(tokenizer.count("e\u{301}cole") == tokenizer.characterCount("e\u{301}cole"))
        #expect(tokenizer.count("x\r\n\u{301}y") == tokenizer.characterCount("x\r\n\u{301}y"))
    }

    @Test func aWordWithAnAccentIsCountedByItsFirstLetter() {
        #expect(Tokenizer.classic.count("café au lait") == 3)
        #expect(Tokenizer.claude47.count("café au lait") == 5, "caf|é, au, lai|t")
        #expect(Tokenizer.claude47.count("écoute") == 2, "a word beginning outside ASCII keeps pieces of four")
    }

    /// Counted block by block, a request's input is its texts joined and counted.
    @Test(arguments: both)
    func inputTokensAreTheCountOfTheJoinedText(tokenizer: Tokenizer) throws {
        let bodies = [
            #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"What is the total revenue by region?"}]}"#,
            #"{"model":"m","max_tokens":9,"system":[{"type":"text","text":"You write SQL"},{"type":"text","text":"for SQLite, café style"}],"messages":[{"role":"user","content":[{"type":"text","text":"first"},{"type":"text","text":"second-part"}]},{"role":"assistant","content":[{"type":"thinking","thinking":"hidden thoughts","signature":"s"},{"type":"text","text":"ok"}]},{"role":"user","content":"next"}]}"#,
            #"{"model":"m","max_tokens":9,"tools":[{"name":"run_sql","description":"Runs a query","input_schema":{"type":"object","properties":{"q":{"type":"string"}}}}],"output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"sql":{"type":"string"}}}}},"messages":[{"role":"user","content":"a\nb"}]}"#,
        ]
        for body in bodies {
            let request = try JSONDecoder().decode(MessagesRequest.self, from: Data(body.utf8))
            let joined = request.allText.reduce(0) { $0 + tokenizer.count($1) } + 3 * request.messages.count + 4
            #expect(tokenizer.inputTokens(of: request) == joined)
        }
    }
}

