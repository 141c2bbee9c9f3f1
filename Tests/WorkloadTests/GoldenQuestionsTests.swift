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
    @Test func theASCIIFastPathNormalizesAsTheUnicodeOneDoes() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array(0..<128).map { Character(Unicode.Scalar(UInt8($0))) }
        for question in GoldenQuestions.all.map(\.question) + ["  What's the TOTAL revenue -- by region?? ", ""] {
            #expect(QuestionMatcher.asciiNormalize(question) == QuestionMatcher.unicodeNormalize(question))
        }
        for _ in 0..<300 {
            let text = String((0..<Int.random(in: 0..<60, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            #expect(QuestionMatcher.asciiNormalize(text) == QuestionMatcher.unicodeNormalize(text), "\(text.debugDescription)")
        }
        #expect(QuestionMatcher.asciiNormalize("Ünïcode") == nil)
        #expect(QuestionMatcher.normalize("Ünïcode Revenue") == "ünïcode revenue")
    }
}
