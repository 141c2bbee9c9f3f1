import Testing
import Workload

/// What the model adds after a prefill, rule by rule.
@Suite("Prefill continuation")
struct PrefillContinuationTests {
    static let sql = "SELECT r.name, SUM(s.revenue) AS revenue FROM sales s GROUP BY r.name"
    static let fenced = AnswerText.sql(sql)
    static let prose = "The main driver is volume. Prices held flat."

    @Test(arguments: [
        // The prefill is the answer's start: the rest of it.
        ("```sql", fenced, "\n" + sql + "\n```"),
        ("```sql\nSELECT", fenced, String(sql.dropFirst(6)) + "\n```"),
        ("{", #"{"score":1}"#, #""score":1}"#),
        // A fence the app opened with another label: the code, the fence closed.
        ("Here it is:\n```postgresql", fenced, "\n" + sql + "\n```"),
        ("```", prose, "\n" + prose + "\n```"),
        // The start of the code, without a fence the app did not open.
        ("Query:\nSELECT", fenced, String(sql.dropFirst(6))),
        // An open tag: the content, the tag closed.
        ("<sql>", fenced, sql + "</sql>"),
        ("Reasoning done.\n<answer lang=\"en\">", prose, prose + "</answer>"),
        // An open JSON object: the content under a key named for it.
        ("{", fenced, #""sql": "\#(sql)"}"#),
        ("Result: {", prose, #""answer": "\#(prose)"}"#),
        // Prose: a space, or a new line before a code block.
        ("The answer is", prose, " " + prose),
        ("Here is the query:", fenced, "\n" + fenced),
        ("</sql>", prose, " " + prose),
        ("", prose, prose),
    ])
    func theModelGoesOnFromThePrefill(prefill: String, answer: String, continuation: String) {
        #expect(PrefillContinuation.text(after: prefill, answer: answer) == continuation)
    }

    /// The app's prefill and the continuation make the whole answer, where the
    /// prefill began it.
    @Test func prefillAndContinuationMakeTheAnswer() {
        for cut in [1, 3, 6, 10, 20] {
            let prefill = String(Self.fenced.prefix(cut))
            #expect(prefill + PrefillContinuation.text(after: prefill, answer: Self.fenced) == Self.fenced)
        }
    }
}
