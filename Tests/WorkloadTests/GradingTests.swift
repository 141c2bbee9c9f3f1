import Testing
@testable import Workload

@Suite struct GradingTests {
    static let dataset = try! AnalyticsDataset()
    var grader: ExecutionGrader { ExecutionGrader(dataset: Self.dataset) }
    func question(_ id: String) -> GoldenQuestion { GoldenQuestions.all.first { $0.id == id }! }

    @Test func rowOrderCountsOnlyWhenTheQuestionOrders() async {
        let unordered = question("revenue-by-region")
        #expect(await grader.grade(unordered.sql + " ORDER BY revenue DESC", against: unordered) == .correct)
        let ordered = question("top-products")
        let reversed = "SELECT * FROM (\(ordered.sql)) ORDER BY revenue ASC"
        #expect(await grader.grade(reversed, against: ordered) == .wrong("returned different values"))
    }

    @Test func columnOrderAndNamesDoNotCount() async {
        let q = question("revenue-by-channel")
        #expect(await grader.grade("SELECT SUM(revenue) AS total, channel AS c FROM sales GROUP BY channel", against: q) == .correct)
    }

    @Test func wrongCountsFailingQueriesAndWritesAreTold() async {
        let q = question("sale-count")
        #expect(await grader.grade("SELECT COUNT(*) FROM sales WHERE quantity > 1", against: q) == .wrong("returned different values"))
        #expect(await grader.grade("SELECT COUNT(*), 1 FROM sales", against: q) == .wrong("returned 2 columns, expected 1"))
        guard case .failed = await grader.grade("SELECT nope FROM sales", against: q) else { Issue.record("an unknown column must fail"); return }
        #expect(await grader.grade("DELETE FROM sales", against: q) == .failed("the query writes to the database"))
        #expect(try! await grader.rows(of: "SELECT COUNT(*) FROM sales").get() == [[.number(4000)]])
    }

    @Test func theDatasetIsTheSameOnEveryBuild() async throws {
        let other = try AnalyticsDataset()
        let sql = "SELECT COUNT(*), SUM(revenue), MIN(sale_date), MAX(sale_date) FROM sales"
        let a = try await grader.rows(of: sql).get()
        let b = try await ExecutionGrader(dataset: other).rows(of: sql).get()
        #expect(a == b)
        #expect(a.first?[0] == .number(4000))
        #expect(a.first?[2] == .text("2024-01-01"))
        #expect(a.first?[3] == .text("2025-12-31"))
        #expect(try await grader.rows(of: "SELECT COUNT(*) FROM products WHERE id NOT IN (SELECT product_id FROM sales)").get() == [[.number(3)]])
    }

    @Test func promptsMatchTheirGoldenQuestionInsideATemplate() {
        let matcher = QuestionMatcher()
        #expect(matcher.match("You write SQLite.\n\nQuestion: what is the TOTAL revenue across all sales??\nSQL:")?.id == "total-revenue")
        #expect(matcher.match("What is the total revenue by region?")?.id == "revenue-by-region")
        #expect(matcher.match("What is the weather like?") == nil)
    }

    @Test func sqlIsExtractedFromFencesOrProse() {
        #expect(SQLExtractor.extract(from: "```sql\nSELECT 1;\n```") == "SELECT 1")
        #expect(SQLExtractor.extract(from: "Use this:\nSELECT a FROM b;") == "SELECT a FROM b")
        #expect(SQLExtractor.extract(from: "No query here.") == nil)
    }

    @Test func judgeCallsAreRecognisedByMarkerOrPattern() {
        let call = JudgeCall.parse(system: "", user: "[llmchaos:judge] <question>Q?</question><sql>SELECT 1</sql>")
        #expect(call == JudgeCall(question: "Q?", candidate: "SELECT 1"))
        #expect(JudgeCall.parse(system: "Grade strictly", user: "<question>Q</question><answer>A</answer>", pattern: "Grade \\w+")?.candidate == "A")
        #expect(JudgeCall.parse(system: "", user: "<question>Q</question>") == nil)
    }
}

@Suite struct GradingShortcutTests {
    var grader: ExecutionGrader { ExecutionGrader(dataset: GradingTests.dataset) }

    /// Most answers of a load test are the golden SQL itself: those are right
    /// without a trip to the database. A golden query that cannot run shows it.
    @Test func theGoldenQueryItselfIsRightWithoutRunning() async {
        let unrunnable = GoldenQuestion("nowhere", .easy, "What is in nowhere?", "SELECT * FROM nowhere")
        #expect(await grader.grade("  SELECT * FROM nowhere;\n", against: unrunnable) == .correct)
        #expect(await grader.grade("SELECT * FROM  nowhere", against: unrunnable) == .failed("the golden query failed: no such table: nowhere"))
    }

    /// Only whitespace at the ends may differ: inside, it can sit in a string literal.
    @Test func whitespaceInsideALiteralStillCounts() async {
        let question = GoldenQuestion("spaces", .easy, "Spaces?", "SELECT 'a  b' AS label")
        #expect(await grader.grade("SELECT 'a b' AS label", against: question) == .wrong("returned different values"))
    }
}
