import AnthropicAPI

/// The API's per-model rules, enforced with its 400s: what breaks when an app's
/// only change is the model id. Checked once per request, before any fault.
extension ModelCatalog {
    /// What the model does unasked: a model that thinks by default thinks,
    /// adaptively, when the request does not mention thinking (and does not force
    /// a tool, which those models answer without thinking).
    static func applyDefaults(to request: inout MessagesRequest, spec: Spec?) {
        guard let spec, spec.thinksByDefault, request.thinking == nil, !request.forcesTool || spec.refusesForcedTools else { return }
        request.thinking = ThinkingConfig(.adaptive)
    }

    /// The first per-model rule the request breaks, as the API's message; nil when
    /// none is. `generating` is false for `count_tokens`, which writes nothing.
    static func problem(_ request: MessagesRequest, spec: Spec?, generating: Bool) -> String? {
        if generating, let spec, let maxTokens = request.maxTokens {
            let limit = maxOutput(of: spec, betas: request.betas)
            if maxTokens > limit {
                return "max_tokens: \(maxTokens) > \(limit), which is the maximum allowed number of output tokens for \(request.model)"
            }
        }
        if let problem = thinkingProblem(request, spec: spec) { return problem }
        if let problem = effortProblem(request, spec: spec) { return problem }
        return samplingProblem(request)
    }

    /// `xhigh` came with Opus 4.7: Opus and Sonnet 4.6 refuse it (and take the
    /// others); a model that thinks by default takes neither `xhigh` nor `max`
    /// with its thinking off (the message Opus 5 gives). The list of values is
    /// the API's validation form; its text for `xhigh` on 4.6 was not found.
    private static func effortProblem(_ request: MessagesRequest, spec: Spec?) -> String? {
        guard let value = request.outputConfig?.effort else { return nil }
        let accepted = isAtLeast(request.model, (4, 7)) ? Effort.allCases : Effort.allCases.filter { $0 != .xhigh }
        guard let effort = Effort(rawValue: value), accepted.contains(effort) else {
            return "output_config.effort: Input should be \(Effort.listed(accepted))"
        }
        if effort.isAboveHigh, spec?.thinksByDefault == true, request.thinking?.mode == .disabled {
            return "output_config.effort '\(value)' is not supported when thinking is disabled on this model. Use effort 'high' or below, or enable thinking."
        }
        return nil
    }

    /// The prompt beyond the model's context window (`inputTokens` counted with
    /// everything the model reads); nil when it fits or the model is unknown.
    static func promptProblem(inputTokens: Int, request: MessagesRequest, spec: Spec?) -> String? {
        guard let spec else { return nil }
        let window = contextWindow(of: spec, betas: request.betas)
        return inputTokens > window ? "prompt is too long: \(inputTokens) tokens > \(window) maximum" : nil
    }

    private static func thinkingProblem(_ request: MessagesRequest, spec: Spec?) -> String? {
        let mode = request.thinking?.mode
        switch (spec?.thinking, mode) {
        case (.alwaysOn?, .disabled?): return unsupportedThinking("disabled")
        case (.alwaysOn?, .enabled?), (.adaptiveOnly?, .enabled?): return unsupportedThinking("enabled")
        default: break
        }
        let enabled = if case .enabled? = mode { true } else { false }
        // The models that always think document the refusal, not its text: theirs
        // is taken to be the one the API gives a budget with a forced tool.
        if request.forcesTool, enabled || spec?.refusesForcedTools == true {
            return "Thinking may not be enabled when tool_choice forces tool use."
        }
        return nil
    }

    private static func unsupportedThinking(_ type: String) -> String {
        "\"thinking.type.\(type)\" is not supported for this model. Use \"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior."
    }

    /// From Opus 4.7 on the sampling parameters are gone (a `temperature` of 1,
    /// the default, is still taken); from Opus 4.1 to 4.6 `temperature` and
    /// `top_p` exclude each other. Both are 400s apps meet on an upgrade. The
    /// messages for `top_p` and `top_k` follow the one recorded for `temperature`.
    private static func samplingProblem(_ request: MessagesRequest) -> String? {
        guard request.temperature != nil || request.topP != nil || request.topK != nil else { return nil }
        if isAtLeast(request.model, (4, 7)) {
            if let temperature = request.temperature, temperature != 1 { return "temperature is deprecated for this model." }
            if request.topP != nil { return "top_p is deprecated for this model." }
            if request.topK != nil { return "top_k is deprecated for this model." }
            return nil
        }
        if request.temperature != nil, request.topP != nil, isAtLeast(request.model, (4, 1)) {
            return "temperature and top_p cannot both be specified for this model. Please use only one."
        }
        return nil
    }
}

extension MessagesRequest {
    /// Whether `tool_choice` makes the model call a tool (`any`, or a named one).
    var forcesTool: Bool {
        switch toolChoice?.mode {
        case .any?, .tool?: true
        case .auto?, .none?, nil: false
        }
    }
}
