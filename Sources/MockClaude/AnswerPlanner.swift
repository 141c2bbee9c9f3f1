import AnthropicAPI
import ChaosCore
import Faults
import Workload

/// The honest answer to a request: a judge's verdict from ground truth, a tool
/// call (``ToolCallPlanner``), JSON its output schema accepts (structured outputs,
/// with a golden question's SQL in a property named for SQL), a golden question's
/// SQL, or deterministic prose.
struct AnswerPlanner: Sendable {
    let matcher: QuestionMatcher
    let grader: ExecutionGrader
    let judgePattern: String?
    /// Each golden question's answer, rendered and counted once per tokenizer, not per request.
    private let golden: [Tokenizer: [String: PlannedAnswer]]

    init(matcher: QuestionMatcher, grader: ExecutionGrader, judgePattern: String?, questions: [GoldenQuestion] = GoldenQuestions.all) {
        self.matcher = matcher; self.grader = grader; self.judgePattern = judgePattern
        golden = Dictionary(uniqueKeysWithValues: [Tokenizer.classic, .claude47].map { tokenizer in
            (tokenizer, Dictionary(questions.map { ($0.id, PlannedAnswer(kind: .golden($0), text: AnswerText.sql($0.sql), tokenizer: tokenizer)) }, uniquingKeysWith: { a, _ in a }))
        })
    }

    func answer(_ request: MessagesRequest) async -> PlannedAnswer {
        let user = request.lastUserText
        if let judge = judgeCall(request, user: user) {
            let verdict = await judgeVerdict(judge)
            let answer = PlannedAnswer(kind: .judge(verdict), text: verdict.json, tokenizer: ModelCatalog.tokenizer(for: request.model))
            return thought(continued(answer, request), request, user: user)
        }
        return thought(continued(plainAnswer(request, user: user), request), request, user: user)
    }

    /// The answer when it needs no query: nil for a judge call, whose verdict may
    /// run the candidate SQL.
    func immediateAnswer(_ request: MessagesRequest) -> PlannedAnswer? {
        let user = request.lastUserText
        return judgeCall(request, user: user) == nil ? thought(continued(plainAnswer(request, user: user), request), request, user: user) : nil
    }

    /// A text answer going on from the request's prefill. A tool call does not:
    /// the model calls the tool, as it would have.
    private func continued(_ answer: PlannedAnswer, _ request: MessagesRequest) -> PlannedAnswer {
        guard answer.toolName == nil, let prefill = request.prefill, !prefill.isEmpty else { return answer }
        var continued = answer
        continued.prefill = prefill
        continued.write(answer.text)
        return continued
    }

    /// The answer with thinking before it, when the request enables thinking and
    /// starts an assistant turn (or thinking is interleaved with tool calls); the
    /// thinking is cut to leave at least one token of `max_tokens` for the answer,
    /// redacted when the question holds the API's test prompt for that, and
    /// omitted from the block when the request or the model's default says so.
    private func thought(_ answer: PlannedAnswer, _ request: MessagesRequest, user: String) -> PlannedAnswer {
        // A prefill with thinking on begins with thinking handed back: the model goes on writing.
        guard request.thinking?.thinks == true, request.prefill == nil, !request.continuesAssistantTurn || request.interleavedThinking else { return answer }
        var thought = answer
        let room = max(1, (request.maxTokens ?? Int.max) - 1)
        var tokens = answer.tokenizer.count(AnswerText.thinking(question: user))
        if request.thinking?.mode == .adaptive {
            let effort = request.outputConfig?.effort.flatMap(Effort.init(rawValue:)) ?? ModelCatalog.spec(for: request.model)?.defaultEffort ?? .high
            tokens = max(1, Int((Double(tokens) * effort.thinkingShare).rounded()))
        }
        thought.thinking = Self.thoughts(about: user, tokens: min(tokens, room), tokenizer: answer.tokenizer)
        if user.contains(ThinkingSeal.redactionTrigger) {
            thought.thinkingForm = .redacted
        } else if (request.thinking?.display ?? ModelCatalog.defaultThinkingDisplay(of: request.model)) == .omitted {
            thought.thinkingForm = .omitted
        }
        return thought
    }

    /// `answer` with thinking that fills `share` of the request's budget (of
    /// `max_tokens` under adaptive thinking), still leaving the answer a token of
    /// `max_tokens` (a `long_thinking` fault); nil when that is no longer than it was.
    func longThinking(_ answer: PlannedAnswer, share: Double, for request: MessagesRequest) -> PlannedAnswer? {
        let room = max(1, (request.maxTokens ?? Int.max) - 1)
        let budget: Int
        switch request.thinking?.mode {
        case let .enabled(budgetTokens)?: budget = budgetTokens
        case .adaptive?: budget = room
        case .disabled?, nil: return nil
        }
        let wanted = (Double(budget) * share).rounded(.down)
        let tokens = wanted >= Double(room) ? room : Int(wanted)
        guard answer.thinking != nil, tokens > answer.thinkingTokenCount else { return nil }
        var longer = answer
        longer.thinking = Self.thoughts(about: request.lastUserText, tokens: tokens, tokenizer: answer.tokenizer)
        return longer.limited(to: request.maxTokens ?? Int.max)
    }

    /// Thoughts about `user` of exactly `tokens` tokens: the opening thought, cut
    /// short or run on with second thoughts.
    private static func thoughts(about user: String, tokens: Int, tokenizer: Tokenizer) -> String {
        var text = AnswerText.thinking(question: user)
        var count = tokenizer.count(text)
        var index = 0
        while count < tokens {
            let next = " " + AnswerText.secondThought(index, question: user)
            text += next
            count += tokenizer.count(next)
            index += 1
        }
        return count == tokens ? text : tokenizer.pieces(of: text).prefix(tokens).joined()
    }

    /// `answer` making `calls` tool calls at once (a `parallel_tool_calls` fault); nil when it cannot.
    func parallel(_ answer: PlannedAnswer, calls: Int, for request: MessagesRequest) -> PlannedAnswer? {
        let user = request.lastUserText
        return ToolCallPlanner.parallel(answer, calls: calls, for: request, hints: .init(question: user, sql: matcher.match(user)?.sql))
    }

    private func judgeCall(_ request: MessagesRequest, user: String) -> JudgeCall? {
        JudgeCall.parse(system: request.systemText, user: user, pattern: judgePattern)
    }

    private func plainAnswer(_ request: MessagesRequest, user: String) -> PlannedAnswer {
        let question = matcher.match(user)
        let tokenizer = ModelCatalog.tokenizer(for: request.model)
        if request.tools != nil, let call = ToolCallPlanner.call(for: request, hints: .init(question: user, sql: question?.sql), tokenizer: tokenizer) {
            return call
        }
        if let schema = request.outputSchema {
            var answer = PlannedAnswer(kind: question.map(PlannedAnswer.Kind.golden) ?? .generic, text: "", tokenizer: tokenizer)
            answer.text = SchemaInstance(root: schema, hints: .init(question: user, sql: question?.sql)).value().jsonText
            answer.isStructured = true
            return answer
        }
        if let question {
            return golden[tokenizer]?[question.id] ?? PlannedAnswer(kind: .golden(question), text: AnswerText.sql(question.sql), tokenizer: tokenizer)
        }
        let seed = StableHash.hash(request.model, request.systemText, user)
        return PlannedAnswer(kind: .generic, text: AnswerText.generic(seed: seed), tokenizer: tokenizer)
    }

    private func judgeVerdict(_ judge: JudgeCall) async -> JudgeVerdict {
        guard let question = matcher.match(judge.question) else {
            return JudgeVerdict(verdict: .unknown, score: 0.5, reason: "no ground truth for this question")
        }
        let candidate = SQLExtractor.extract(from: judge.candidate) ?? judge.candidate
        guard !candidate.isEmpty else {
            return JudgeVerdict(verdict: .incorrect, score: 0, reason: "there is no SQL to judge")
        }
        return JudgeVerdict(grade: await grader.grade(candidate, against: question))
    }
}
