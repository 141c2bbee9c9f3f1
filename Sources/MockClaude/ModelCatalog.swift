import AnthropicAPI

/// What the mock knows of each model: which it lists, and the limits and rules
/// the API enforces per model, which break an app whose only change is the model
/// id. Any `claude-*` id is accepted, so an app's configured model works
/// unchanged; anything else is a 404, as on the API. An id matches the longest
/// entry it begins with (`claude-sonnet-4-5-20250929` is Sonnet 4.5); an id no
/// entry matches gets no per-model limit.
///
/// Sources, recorded 2026-12-02 (no live network here; each figure from the
/// pages as stored): the model pages of platform.claude.com (context window, max
/// output, release date, thinking on by default), their "What's new" pages for
/// Opus 5.5 and Sonnet 5 (thinking that cannot be turned off or budgeted by hand,
/// forced tool use refused), Bedrock's Opus 4.7 model card (adaptive thinking
/// only), Haiku 5.5's migration guide as public reports quote it (a thinking
/// budget is a 400), and for older models the limits the API's own 400s state.
/// Default efforts are the lineup tables' (`medium` for Opus 5.5 and Haiku 5.5).
/// Retirement days are the deprecations page's as the model pages, Anthropic's
/// retirement notices and public reports of the 404s quote it.
/// Fable 5 and 5.2 are from Fable 5.1's migration guide (what changed since
/// Fable 5) and the reports of Fable 5.2's release (2026-11-09, which the stored
/// pages predate); Sonnet 5.5's release day from the reports of it. Where a source was silent (whether Haiku 5.5 thinks unasked,
/// Opus 5's forced tools, Fable 5.2's), the model keeps the rules of the one
/// before it.
enum ModelCatalog {
    /// How a model takes `thinking`.
    enum Thinking: Equatable {
        /// `enabled` with a budget, `adaptive`, `disabled`: all accepted.
        case manual
        /// A budget set by hand (`enabled`) is a 400; `adaptive` and `disabled` are taken.
        case adaptiveOnly
        /// Always on: `enabled` and `disabled` are 400s.
        case alwaysOn
    }

    /// A class, so that looking a model up on every request hands out a reference,
    /// not a copy of every field.
    final class Spec: Sendable {
        let id: String
        let displayName: String
        /// Release date; the model is listed by `GET /v1/models` when known.
        let released: String?
        /// The day the API stopped serving it: from then on a request naming it
        /// is a 404, as an app whose fallback still names it finds in an outage.
        let retired: String?
        let maxOutput: Int
        let contextWindow: Int
        let thinking: Thinking
        /// Whether the model thinks (adaptively) when the request does not say.
        let thinksByDefault: Bool
        /// Whether a `tool_choice` of `any` or `tool` is a 400, as thinking always comes first.
        let refusesForcedTools: Bool
        /// Whether its thinking is tied to it: handed to another model, or another
        /// model's handed to it, the signature is refused. The pages document the
        /// refusal, not its text: the mock answers as for a signature it cannot verify.
        let bindsThinking: Bool
        /// The effort the model works at when the request does not say.
        let defaultEffort: Effort
        /// Worked out from the id once, with the table, not on every request.
        let tokenizer: Tokenizer

        init(
            id: String, displayName: String, released: String? = nil, retired: String? = nil, maxOutput: Int, contextWindow: Int,
            thinking: Thinking = .manual, thinksByDefault: Bool = false, refusesForcedTools: Bool = false, bindsThinking: Bool = false,
            defaultEffort: Effort = .high
        ) {
            self.id = id; self.displayName = displayName; self.released = released; self.retired = retired
            self.maxOutput = maxOutput; self.contextWindow = contextWindow; self.thinking = thinking
            self.thinksByDefault = thinksByDefault; self.refusesForcedTools = refusesForcedTools
            self.bindsThinking = bindsThinking; self.defaultEffort = defaultEffort
            self.tokenizer = ModelCatalog.isAtLeast(id, (4, 7)) ? .claude47 : .classic
        }
    }

    static let specs: [Spec] = [
        Spec(id: "claude-fable-5-2", displayName: "Claude Fable 5.2", released: "2026-11-09", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .alwaysOn, thinksByDefault: true, refusesForcedTools: true, bindsThinking: true),
        Spec(id: "claude-fable-5-1", displayName: "Claude Fable 5.1", released: "2026-09-01", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .alwaysOn, thinksByDefault: true, refusesForcedTools: true, bindsThinking: true),
        // Forced tool use and thinking tied to its model came with Fable 5.1.
        Spec(id: "claude-fable-5", displayName: "Claude Fable 5", released: "2026-06-09", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .alwaysOn, thinksByDefault: true),
        Spec(id: "claude-opus-5-5", displayName: "Claude Opus 5.5", released: "2026-09-22", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .alwaysOn, thinksByDefault: true, refusesForcedTools: true, bindsThinking: true, defaultEffort: .medium),
        Spec(id: "claude-sonnet-5-5", displayName: "Claude Sonnet 5.5", released: "2026-09-28", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .adaptiveOnly, thinksByDefault: true, refusesForcedTools: true, bindsThinking: true),
        Spec(id: "claude-haiku-5-5", displayName: "Claude Haiku 5.5", released: "2026-10-07", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .adaptiveOnly, defaultEffort: .medium),
        Spec(id: "claude-opus-5", displayName: "Claude Opus 5", released: "2026-07-24", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .adaptiveOnly, thinksByDefault: true),
        Spec(id: "claude-sonnet-5", displayName: "Claude Sonnet 5", released: "2026-06-30", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .adaptiveOnly, thinksByDefault: true),
        Spec(id: "claude-opus-4-8", displayName: "Claude Opus 4.8", released: "2026-05-28", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .adaptiveOnly),
        Spec(id: "claude-opus-4-7", displayName: "Claude Opus 4.7", released: "2026-04-16", maxOutput: 128_000, contextWindow: 1_000_000,
             thinking: .adaptiveOnly),
        Spec(id: "claude-sonnet-4-6", displayName: "Claude Sonnet 4.6", released: "2026-02-17", maxOutput: 128_000, contextWindow: 1_000_000),
        Spec(id: "claude-opus-4-6", displayName: "Claude Opus 4.6", released: "2026-02-05", maxOutput: 128_000, contextWindow: 1_000_000),
        Spec(id: "claude-opus-4-5", displayName: "Claude Opus 4.5", released: "2025-11-24", maxOutput: 64_000, contextWindow: 200_000),
        Spec(id: "claude-haiku-4-5", displayName: "Claude Haiku 4.5", released: "2025-10-15", maxOutput: 64_000, contextWindow: 200_000),
        Spec(id: "claude-sonnet-4-5", displayName: "Claude Sonnet 4.5", released: "2025-09-29", retired: "2026-11-30", maxOutput: 64_000, contextWindow: 200_000),
        Spec(id: "claude-opus-4-1", displayName: "Claude Opus 4.1", released: "2025-08-05", retired: "2026-08-05", maxOutput: 32_000, contextWindow: 200_000),
        Spec(id: "claude-opus-4", displayName: "Claude Opus 4", retired: "2026-06-15", maxOutput: 32_000, contextWindow: 200_000),
        Spec(id: "claude-sonnet-4", displayName: "Claude Sonnet 4", retired: "2026-06-15", maxOutput: 64_000, contextWindow: 200_000),
        Spec(id: "claude-3-7-sonnet", displayName: "Claude Sonnet 3.7", retired: "2026-02-19", maxOutput: 64_000, contextWindow: 200_000),
        Spec(id: "claude-3-5-sonnet", displayName: "Claude Sonnet 3.5", retired: "2025-10-22", maxOutput: 8_192, contextWindow: 200_000),
        Spec(id: "claude-3-5-haiku", displayName: "Claude Haiku 3.5", retired: "2026-02-19", maxOutput: 8_192, contextWindow: 200_000),
        Spec(id: "claude-3-opus", displayName: "Claude Opus 3", retired: "2026-01-05", maxOutput: 4_096, contextWindow: 200_000),
        Spec(id: "claude-3-haiku", displayName: "Claude Haiku 3", retired: "2026-04-20", maxOutput: 4_096, contextWindow: 200_000),
    ]

    /// The day these entries were recorded: the API a mock plays unless told
    /// another day (`api_date`).
    static let recordedOn = "2026-12-02"

    /// Newest first, as the API lists them: those released and, on `apiDate`
    /// (yyyy-MM-dd; nil for every one), not yet retired.
    static func listed(on apiDate: String?) -> [ModelInfo] {
        guard let apiDate else { return listed }
        return listed.filter { info in byID[info.id].flatMap(\.retired).map { $0 > apiDate } ?? true }
    }

    private static let listed: [ModelInfo] = specs.compactMap { spec in
        spec.released.map { ModelInfo(id: spec.id, displayName: spec.displayName, createdAt: $0 + "T00:00:00Z") }
    }.sorted { $0.createdAt > $1.createdAt }

    /// Whether the API no longer serves `spec`'s model on `apiDate`.
    static func isRetired(_ spec: Spec?, on apiDate: String?) -> Bool {
        guard let apiDate, let retired = spec?.retired else { return false }
        return retired <= apiDate
    }

    static func accepts(_ model: String) -> Bool { model.hasPrefix("claude-") }

    /// The entry for `model`: the one its id names (``ModelID``), the longest if
    /// several do. Exact ids, what most requests name, are one dictionary lookup.
    static func spec(for model: String) -> Spec? {
        if let spec = byID[model] { return spec }
        return specs.lazy.filter { ModelID.names(model, $0.id) }.max { $0.id.count < $1.id.count }
    }

    private static let byID = Dictionary(uniqueKeysWithValues: specs.map { ($0.id, $0) })

    /// Whose sealed thinking the model takes back: its own only, when its
    /// thinking is tied to it; otherwise any earlier model's. Made per request,
    /// so it shares one list of bindings (its own among them, tried first anyway).
    static func thinkingBinding(_ spec: Spec?) -> ThinkingSeal.Binding {
        ThinkingSeal.Binding(own: spec.map { $0.bindsThinking ? $0.id : "" } ?? "", others: allBindings)
    }

    private static let allBindings = [""] + specs.filter(\.bindsThinking).map(\.id)

    /// The 1M-token context window beta of Sonnet 4 and 4.5.
    static let longContextBeta = "context-1m-2025-08-07"
    /// Sonnet 3.7's 128K-token output beta.
    static let longOutputBeta = "output-128k-2025-02-19"

    static func maxOutput(of spec: Spec, betas: [String]) -> Int {
        spec.id == "claude-3-7-sonnet" && betas.contains(longOutputBeta) ? 128_000 : spec.maxOutput
    }

    static func contextWindow(of spec: Spec, betas: [String]) -> Int {
        betas.contains(longContextBeta) && spec.id.hasPrefix("claude-sonnet-4") ? 1_000_000 : spec.contextWindow
    }

    /// Whether the model continues an answer the request starts (a final
    /// assistant message). Claude 4.6 models and later refuse it with a 400: the
    /// incident of an app whose only change was the model id. Ids the mock cannot
    /// date are taken as older models.
    static func acceptsPrefill(_ model: String) -> Bool { !isAtLeast(model, (4, 6)) }

    static let prefillRefusal = "This model does not support assistant message prefill. The conversation must end with a user message."

    /// Whether `model` is of `generation` or later; Mythos Preview, which came
    /// after Opus 4.7 and has no number, is; an id without one otherwise is not.
    static func isAtLeast(_ model: String, _ generation: (Int, Int)) -> Bool {
        if let version = version(of: model) { return version >= generation }
        return model.hasPrefix("claude-mythos")
    }

    /// The generation in an id: `claude-opus-4-6` and `claude-opus-4-6-20260205`
    /// are 4.6, `claude-opus-4-20250514` 4.0, `claude-3-7-sonnet-latest` 3.7.
    static func version(of model: String) -> (major: Int, minor: Int)? {
        let parts = model.split(separator: "-")
        guard let at = parts.firstIndex(where: { $0.count <= 2 && Int($0) != nil }), let major = Int(parts[at]) else { return nil }
        let next = parts.index(after: at)
        guard next < parts.endIndex, parts[next].count <= 2, let minor = Int(parts[next]) else { return (major, 0) }
        return (major, minor)
    }

    /// The tokenizer that counts `model`'s tokens: Claude 4.7 and every model
    /// after it share the newer one (the Haiku 5.5 page: "the same newer tokenizer
    /// as Claude 4.7 and later models"). Known ids take it from their entry.
    static func tokenizer(for model: String) -> Tokenizer { tokenizer(for: model, spec: spec(for: model)) }

    /// The same, for a caller that has looked `model`'s entry up already (nil: none).
    static func tokenizer(for model: String, spec: Spec?) -> Tokenizer {
        spec?.tokenizer ?? (isAtLeast(model, (4, 7)) ? .claude47 : .classic)
    }

    /// How a model shows its thinking when the request does not say: from Claude
    /// Opus 4.7 on the thoughts are omitted (an empty `thinking` field, for a
    /// faster first token); earlier models summarise them.
    static func defaultThinkingDisplay(of model: String) -> ThinkingConfig.Display {
        isAtLeast(model, (4, 7)) ? .omitted : .summarized
    }
}
