import Testing
@testable import Workload

@Suite struct GoldenQuestionsTests {
    static let dataset = try! AnalyticsDataset()
    var grader: ExecutionGrader { ExecutionGrader(dataset: Self.dataset) }

    @Test func theGoldenSetIsLargeUniqueAndGraded() {
        #expect(GoldenQuestions.all.count >= 40)
        #expect(Set(GoldenQuestions.all.map(\.id)).count == GoldenQuestions.all.count)
        #expect(Set(GoldenQuestions.all.map(\.question)).count == GoldenQuestions.all.count)
        for difficulty in GoldenQuestion.Difficulty.allCases {
            #expect(GoldenQuestions.all.filter { $0.difficulty == difficulty }.count >= 10)
        }
    }

    @Test(arguments: GoldenQuestions.all)
    func everyGoldenQueryRunsReturnsRowsAndGradesItselfCorrect(_ question: GoldenQuestion) async throws {
        let rows = try await grader.rows(of: question.sql).get()
        #expect(!rows.isEmpty, "\(question.id) returns no rows")
        #expect(rows.allSatisfy { !$0.allSatisfy { $0 == .null } }, "\(question.id) returns only NULLs")
        #expect(await grader.grade(question.sql, against: question) == .correct)
    }

    @Test(arguments: GoldenQuestions.all)
    func everyDegradationOfEveryGoldenQueryIsGradedWrong(_ question: GoldenQuestion) async {
        for mode in SQLDegradation.allCases {
            let degraded = mode.apply(to: question.sql)
            #expect(degraded != question.sql, "\(mode) left \(question.id) unchanged")
            let grade = await grader.grade(degraded, against: question)
            #expect(!grade.isCorrect, "\(mode) of \(question.id) still correct: \(degraded)")
            switch mode {
            case .hallucinatedTable, .hallucinatedColumn, .syntaxError:
                guard case .failed = grade else {
                    Issue.record("\(mode) of \(question.id) should fail to run, got \(grade): \(degraded)")
                    continue
                }
            case .wrongFilter, .wrongAggregation:
                guard case .wrong = grade else {
                    Issue.record("\(mode) of \(question.id) should run and be wrong, got \(grade): \(degraded)")
                    continue
                }
            }
        }
    }
}

@Suite struct QuestionNormalizingTests {
    /// Read by bytes where it is ASCII, a prompt normalizes as the definition has it.
    @Test func theByteNormalizingIsTheUnicodeOne() {
        var random = SystemRandomNumberGenerator()
        let ascii = Array(0..<128).map { Unicode.Scalar(UInt8($0)) }
        let other: [Unicode.Scalar] = ["É", "ü", "İ", "K", "Σ", "ς", "ß", "ǅ", "\u{301}", "日", "→", "’", "²", "Ⅻ", "\u{1F600}", "\u{A0}", "Ａ", "𐐀"]
        for question in GoldenQuestions.all.map(\.question) + ["  What's the TOTAL revenue -- by region?? ", ""] {
            #expect(QuestionMatcher.normalizedBytes(question) == Array(QuestionMatcher.unicodeNormalize(question).utf8))
        }
        for round in 0..<600 {
            let pool = round % 2 == 0 ? ascii : ascii + other + other
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<60, using: &random) { scalars.append(pool.randomElement(using: &random)!) }
            let text = String(scalars)
            #expect(QuestionMatcher.normalizedBytes(text) == Array(QuestionMatcher.unicodeNormalize(text).utf8), "\(text.debugDescription)")
        }
        #expect(QuestionMatcher.normalizedBytes("Ünïcode Revenue") == Array("ünïcode revenue".utf8))
    }

    /// The definition the byte search must agree with: the longest golden question
    /// the normalized prompt contains, by `String.contains`.
    static func reference(_ prompt: String) -> GoldenQuestion? {
        let normalized = QuestionMatcher.unicodeNormalize(prompt)
        return longestFirst.first { normalized.contains($0.normalized) }?.question
    }

    static let longestFirst = GoldenQuestions.all.map { (normalized: QuestionMatcher.unicodeNormalize($0.question), question: $0) }
        .sorted { $0.normalized.count > $1.normalized.count }

    @Test func matchesAgreeWithTheDefinitionOverRandomPrompts() {
        var random = SystemRandomNumberGenerator()
        let questions = GoldenQuestions.all.map(\.question)
        // Pieces of questions (near misses: the same words cut short) among words, case, punctuation and accents.
        let fragments = questions.flatMap { question in
            [question, String(question.dropLast(3)), String(question.dropFirst(2)), question.uppercased()]
        } + ["the", "WHAT is", "revenue", "  --  ", "?\n", "régions", "ü", "by region", "Total"]
        let matcher = QuestionMatcher()
        var matched = 0
        for _ in 0..<400 {
            let prompt = (0..<Int.random(in: 0..<6, using: &random)).map { _ in fragments.randomElement(using: &random)! }.joined(separator: " ")
            let found = matcher.match(prompt)
            #expect(found?.id == Self.reference(prompt)?.id, "\(prompt.debugDescription)")
            if found != nil { matched += 1 }
        }
        #expect(matched > 100, "most prompts hold a whole question")
    }

    @Test func aQuestionIsFoundAnywhereInALongPromptAndTheLongestWins() {
        let matcher = QuestionMatcher()
        let context = String(repeating: "Revenue by region is reported in the quarterly sales table. ", count: 20_000)
        for (before, after) in [(context, ""), ("", context), (context, context)] {
            #expect(matcher.match(before + "Question: What is the total revenue by region?\n" + after)?.id == "revenue-by-region")
        }
        #expect(matcher.match(context + "What is the total revenue?") == nil)
        // "…across all sales" and "…by region" both appear; the longer one is the answer.
        let both = "What is the total revenue across all sales? Then: what is the total revenue by region?"
        #expect(matcher.match(both)?.id == Self.reference(both)?.id)
        #expect(matcher.match("Ünïcode first. What is the total revenue by region?")?.id == "revenue-by-region")
    }
}

