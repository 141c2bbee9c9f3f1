"""The official anthropic Python SDK against the llmchaos mock.

Run by Tests/MockClaudeTests/SDKConformanceTests.swift with ANTHROPIC_BASE_URL set
to a fresh mock. Each check prints `PASS name` or `FAIL name: why`; the exit code is
1 if any check failed. Faults are added through the chaos control API and matched
by an `x-case` header, so the checks do not disturb each other.
"""
import json
import os
import sys
import time
import traceback
import urllib.request
from typing import Literal, Optional

import anthropic
import pydantic

BASE = os.environ["ANTHROPIC_BASE_URL"]
MODEL = "claude-opus-4-7"
# Opus 4.7 thinks adaptively only: a budget set by hand is a 400 there, as on the API.
THINKING_MODEL = "claude-opus-4-6"
results = []


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def add_fault(name, case, inject, **extra):
    fault = {"name": name, "match": {"header": {"x-case": case}, **extra.pop("match", {})}, "inject": inject}
    fault.update(extra)
    control("POST", "/_chaos/faults", fault)


def journal_for(text_marker):
    """Entries of the logical request whose first attempt carried a fault named text_marker."""
    entries = control("GET", "/_chaos/journal")["entries"]
    ids = {e["request_id"] for e in entries if text_marker in e["faults"]}
    return [e for e in entries if e["request_id"] in ids]


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
        except Exception as error:  # a failed check must never stop the others
            results.append((name, f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=2)}"))
        return fn
    return wrap


def client(case=None, **kwargs):
    headers = {"x-case": case} if case else {}
    return anthropic.Anthropic(api_key="sk-conformance", base_url=BASE, default_headers=headers, **kwargs)


@check("messages.create")
def _():
    message = client().messages.create(
        model=MODEL, max_tokens=300,
        messages=[{"role": "user", "content": "What is the total revenue by region?"}])
    assert message.type == "message" and message.role == "assistant", message
    assert message.stop_reason == "end_turn", message.stop_reason
    assert "SUM(s.revenue)" in message.content[0].text, message.content[0].text
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0, message.usage
    assert message._request_id and message._request_id.startswith("req_"), message._request_id


@check("messages.create with auth_token (Authorization: Bearer)")
def _():
    bearer = anthropic.Anthropic(auth_token="sk-bearer", base_url=BASE)
    message = bearer.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "hi"}])
    assert message.content[0].text, message


@check("messages.stream get_final_message")
def _():
    prompt = [{"role": "user", "content": "Who are the top 10 customers by total revenue?"}]
    expected = client().messages.create(model=MODEL, max_tokens=300, messages=prompt).content[0].text
    with client().messages.stream(model=MODEL, max_tokens=300, messages=prompt) as stream:
        pieces = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(pieces) == expected, ("".join(pieces), expected)
    assert final.content[0].text == expected
    assert final.stop_reason == "end_turn", final.stop_reason
    assert final.usage.output_tokens > 1, final.usage


@check("max_tokens stop_reason")
def _():
    message = client().messages.create(model=MODEL, max_tokens=4, messages=[{"role": "user", "content": "Tell me about the quarter."}])
    assert message.stop_reason == "max_tokens", message.stop_reason
    assert message.usage.output_tokens == 4, message.usage


@check("529 twice then success: 3 attempts, backed off")
def _():
    add_fault("c529", "c529", {"overloaded": {}}, match={"attempts": "1..2"})
    message = client("c529", max_retries=2).messages.create(
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "retry me please"}])
    assert message.content[0].text
    attempts = journal_for("c529")
    assert [e["attempt"] for e in attempts] == [1, 2, 3], attempts
    assert [e["status"] for e in attempts] == [529, 529, 200], attempts
    assert [e["correlation"] for e in attempts] == ["stainless"] * 3, attempts
    gaps = [b["at_ms"] - a["at_ms"] for a, b in zip(attempts, attempts[1:])]
    # The SDK waits 0.5 s then 1 s, each less up to a quarter for jitter: lower
    # bounds only, since a loaded machine adds to either gap (a stall of 0.4 s in
    # the first once made it the longer).
    assert gaps[0] >= 350 and gaps[1] >= 700, gaps


@check("429 with retry-after: 1 is honoured")
def _():
    add_fault("c429", "c429", {"rate_limit": {"retry_after": "1s"}}, match={"attempts": 1})
    client("c429", max_retries=2).messages.create(
        model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "rate limit me"}])
    attempts = journal_for("c429")
    assert [e["status"] for e in attempts] == [429, 200], attempts
    gap = attempts[1]["at_ms"] - attempts[0]["at_ms"]
    assert gap >= 950, f"retried after {gap:.0f} ms, retry-after said 1 s"


@check("retries exhausted surface as APIStatusError 529")
def _():
    add_fault("c529-always", "c529-always", {"overloaded": {}})
    try:
        client("c529-always", max_retries=1).messages.create(
            model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "always overloaded"}])
    except anthropic.APIStatusError as error:
        assert error.status_code == 529, error.status_code
        assert error.body["error"]["type"] == "overloaded_error", error.body
        assert len(journal_for("c529-always")) == 2
        return
    raise AssertionError("no error raised")


@check("event: error mid-stream raises")
def _():
    add_fault("midstream", "midstream", {"stream_error": {"after_deltas": 2}})
    received = []
    try:
        with client("midstream", max_retries=0).messages.stream(
                model=MODEL, max_tokens=300, messages=[{"role": "user", "content": "Tell me about the quarter."}]) as stream:
            for text in stream.text_stream:
                received.append(text)
    except anthropic.APIStatusError as error:
        assert "overloaded" in str(error).lower(), error
        assert len(received) == 2, received
        return
    raise AssertionError(f"the stream ended without raising after {received}")


@check("400 for a malformed request")
def _():
    try:
        client(max_retries=0).messages.create(model=MODEL, max_tokens=0, messages=[{"role": "user", "content": "x"}])
    except anthropic.BadRequestError as error:
        assert error.status_code == 400
        assert "max_tokens" in error.body["error"]["message"], error.body
    else:
        raise AssertionError("max_tokens=0 was accepted")
    request = urllib.request.Request(BASE + "/v1/messages", data=b"{not json", method="POST", headers={"x-api-key": "k"})
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        body = json.loads(error.read())
        assert error.code == 400 and body["error"]["type"] == "invalid_request_error", body
    else:
        raise AssertionError("broken JSON was accepted")


@check("404 NotFoundError for a base URL that already ends in /v1")
def _():
    doubled = anthropic.Anthropic(api_key="sk-conformance", base_url=BASE + "/v1", max_retries=0)
    try:
        doubled.messages.create(model=MODEL, max_tokens=5, messages=[{"role": "user", "content": "x"}])
    except anthropic.NotFoundError as error:
        assert error.body["error"]["type"] == "not_found_error", error.body
        assert "ANTHROPIC_BASE_URL" in error.body["error"]["message"], error.body
    else:
        raise AssertionError("/v1/v1/messages was served")


class Place(pydantic.BaseModel):
    lat: float
    exact: bool


class Weather(pydantic.BaseModel):
    """An app's own tool arguments; Pydantic writes the schema with $defs and $ref."""
    city: str
    unit: Literal["celsius", "fahrenheit"] = "celsius"
    days: int = pydantic.Field(ge=3, le=7)
    place: Optional[Place] = None


WEATHER_TOOL = {"name": "get_weather", "description": "The weather in a city", "input_schema": Weather.model_json_schema()}
QUESTION = [{"role": "user", "content": "What is the weather in Lisbon?"}]


@check("a retired model is a NotFoundError, and models.list leaves it out")
def _():
    try:
        client(max_retries=0).messages.create(model="claude-opus-4-1", max_tokens=100, messages=QUESTION)
    except anthropic.NotFoundError as error:
        assert error.status_code == 404 and "model: claude-opus-4-1" in error.message, error.message
    else:
        raise AssertionError("a retired model answered")
    assert "claude-opus-4-1" not in [model.id for model in client().models.list()]


@check("tool_use: a forced call is a ToolUseBlock whose input the app's Pydantic model accepts")
def _():
    message = client().messages.create(model=MODEL, max_tokens=300, messages=QUESTION, tools=[WEATHER_TOOL],
                                       tool_choice={"type": "tool", "name": "get_weather"})
    assert message.stop_reason == "tool_use", message.stop_reason
    block = message.content[0]
    assert isinstance(block, anthropic.types.ToolUseBlock), block
    assert block.name == "get_weather" and block.id.startswith("toolu_"), block
    arguments = Weather.model_validate(block.input)
    assert 3 <= arguments.days <= 7 and arguments.place is not None, arguments


@check("tool_use streamed: input_json_delta adds up to the same input")
def _():
    expected = client().messages.create(model=MODEL, max_tokens=300, messages=QUESTION, tools=[WEATHER_TOOL],
                                        tool_choice={"type": "any"}).content[0].input
    with client().messages.stream(model=MODEL, max_tokens=300, messages=QUESTION, tools=[WEATHER_TOOL],
                                  tool_choice={"type": "any"}) as stream:
        partials = [event.partial_json for event in stream if event.type == "input_json"]
        final = stream.get_final_message()
    assert len(partials) > 3, partials
    assert final.content[0].input == expected, (final.content[0].input, expected)
    assert final.stop_reason == "tool_use", final.stop_reason


@check("tool_use agent loop: call, result, answer in text")
def _():
    messages = list(QUESTION)
    for turn in range(4):
        reply = client().messages.create(model=MODEL, max_tokens=300, messages=messages, tools=[WEATHER_TOOL])
        calls = [block for block in reply.content if block.type == "tool_use"]
        if not calls:
            break
        messages += [{"role": "assistant", "content": reply.content},
                     {"role": "user", "content": [{"type": "tool_result", "tool_use_id": c.id, "content": "18 C, clear"} for c in calls]}]
    assert turn == 1, f"the loop took {turn + 1} calls"
    assert reply.stop_reason == "end_turn" and reply.content[0].text, reply


@check("400 for a tool_use without its tool_result")
def _():
    call = client().messages.create(model=MODEL, max_tokens=300, messages=QUESTION, tools=[WEATHER_TOOL],
                                    tool_choice={"type": "any"})
    dangling = QUESTION + [{"role": "assistant", "content": call.content}, {"role": "user", "content": "and tomorrow?"}]
    try:
        client(max_retries=0).messages.create(model=MODEL, max_tokens=300, messages=dangling, tools=[WEATHER_TOOL])
    except anthropic.BadRequestError as error:
        assert "`tool_use` ids were found without `tool_result` blocks" in error.body["error"]["message"], error.body
    else:
        raise AssertionError("a tool_use without its tool_result was accepted")


@check("parallel_tool_calls: the SDK reads several calls, streamed or not, and a loop answering all of them ends")
def _():
    add_fault("fan-out", "parallel", {"parallel_tool_calls": {"calls": 3}})
    search = {"name": "search", "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}}}
    tools = [WEATHER_TOOL, search]
    reply = client("parallel").messages.create(model=MODEL, max_tokens=600, messages=QUESTION, tools=tools)
    calls = [block for block in reply.content if block.type == "tool_use"]
    assert [c.name for c in calls] == ["get_weather", "search", "get_weather"], reply.content
    assert len({c.id for c in calls}) == 3 and reply.stop_reason == "tool_use", reply
    Weather.model_validate(calls[2].input)
    with client("parallel").messages.stream(model=MODEL, max_tokens=600, messages=QUESTION, tools=tools) as stream:
        final = stream.get_final_message()
    assert [b.input for b in final.content] == [c.input for c in calls], final.content
    messages = QUESTION + [{"role": "assistant", "content": reply.content},
                           {"role": "user", "content": [{"type": "tool_result", "tool_use_id": calls[0].id, "content": "18 C"}]}]
    try:
        client("parallel", max_retries=0).messages.create(model=MODEL, max_tokens=300, messages=messages, tools=tools)
    except anthropic.BadRequestError as error:
        assert calls[1].id in error.body["error"]["message"], error.body
    else:
        raise AssertionError("answering one call of three was accepted")
    messages[-1]["content"] = [{"type": "tool_result", "tool_use_id": c.id, "content": "done"} for c in calls]
    answer = client("parallel").messages.create(model=MODEL, max_tokens=300, messages=messages, tools=tools)
    assert answer.stop_reason == "end_turn" and answer.content[0].text, answer
    single = client("parallel").messages.create(model=MODEL, max_tokens=600, messages=QUESTION, tools=tools,
                                                tool_choice={"type": "auto", "disable_parallel_tool_use": True})
    assert len([b for b in single.content if b.type == "tool_use"]) == 1, single.content


@check("thinking: a signed ThinkingBlock before the answer, streamed as thinking and signature deltas; changed thoughts handed back are refused; Opus 4.7 omits them, and its newer tokenizer counts more")
def _():
    thinking = {"type": "enabled", "budget_tokens": 2048, "display": "summarized"}
    question = [{"role": "user", "content": "What is the total revenue by region?"}]
    message = client().messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=question)
    assert [b.type for b in message.content] == ["thinking", "text"], message.content
    assert isinstance(message.content[0], anthropic.types.ThinkingBlock) and message.content[0].signature, message.content[0]
    assert "SUM(s.revenue)" in message.content[1].text, message.content[1]
    with client().messages.stream(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=question) as stream:
        kinds = {event.type for event in stream}
        final = stream.get_final_message()
    assert {"thinking", "signature"} <= kinds, kinds
    assert final.content[0].thinking == message.content[0].thinking and final.content[0].signature, final.content[0]
    assert final.content[1].text == message.content[1].text, final.content
    try:
        client(max_retries=0).messages.create(model=THINKING_MODEL, max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 2000}, messages=question)
    except anthropic.BadRequestError as error:
        assert "max_tokens" in error.body["error"]["message"], error.body
    else:
        raise AssertionError("a budget as large as max_tokens was accepted")
    # A proxy that re-encodes the thoughts on the way back.
    changed = message.content[0].model_copy(update={"thinking": message.content[0].thinking.replace(". ", ".\n")})
    history = question + [{"role": "assistant", "content": [changed, message.content[1]]}, {"role": "user", "content": "Thanks, and by month?"}]
    try:
        client(max_retries=0).messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=history)
    except anthropic.BadRequestError as error:
        assert "cannot be modified" in error.body["error"]["message"], error.body
    else:
        raise AssertionError("changed thoughts were accepted")
    history[1]["content"] = message.content
    assert client().messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=history).stop_reason == "end_turn"
    omitted = client().messages.create(model=MODEL, max_tokens=4000, thinking={"type": "adaptive"}, messages=question)
    assert omitted.content[0].thinking == "" and omitted.content[0].signature, omitted.content[0]
    shown = client().messages.create(model=MODEL, max_tokens=4000, thinking={"type": "adaptive", "display": "summarized"}, messages=question)
    assert shown.content[0].thinking and omitted.usage.output_tokens == shown.usage.output_tokens, (omitted.usage, shown.usage)
    # Opus 4.7's newer tokenizer counts the same thought and answer as more tokens than Opus 4.6's.
    assert omitted.usage.output_tokens > message.usage.output_tokens, (omitted.usage, message.usage)
    assert omitted.usage.input_tokens > message.usage.input_tokens, (omitted.usage, message.usage)


@check("redacted_thinking: a RedactedThinkingBlock (a fault, or the API's test prompt), streamed whole, handed back in an agent loop that ends")
def _():
    add_fault("redact", "redacted", {"redacted_thinking": {}})
    thinking = {"type": "enabled", "budget_tokens": 2048}
    reply = client("redacted").messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=QUESTION, tools=[WEATHER_TOOL])
    assert [b.type for b in reply.content] == ["redacted_thinking", "tool_use"], reply.content
    assert isinstance(reply.content[0], anthropic.types.RedactedThinkingBlock) and reply.content[0].data, reply.content[0]
    with client("redacted").messages.stream(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=QUESTION, tools=[WEATHER_TOOL]) as stream:
        kinds = {event.type for event in stream}
        final = stream.get_final_message()
    assert "thinking" not in kinds and "signature" not in kinds, kinds
    assert isinstance(final.content[0], anthropic.types.RedactedThinkingBlock) and final.content[0].data, final.content
    assert final.content[1].input == reply.content[1].input, final.content
    messages = QUESTION + [{"role": "assistant", "content": reply.content},
                           {"role": "user", "content": [{"type": "tool_result", "tool_use_id": reply.content[1].id, "content": "18 C"}]}]
    answer = client("redacted").messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=messages, tools=[WEATHER_TOOL])
    assert answer.stop_reason == "end_turn" and answer.content[-1].text, answer
    messages[1]["content"] = [b for b in reply.content if b.type != "redacted_thinking"]
    try:
        client("redacted", max_retries=0).messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=messages, tools=[WEATHER_TOOL])
    except anthropic.BadRequestError as error:
        assert "Expected `thinking` or `redacted_thinking`" in error.body["error"]["message"], error.body
    else:
        raise AssertionError("a turn handed back without its redacted thinking was accepted")
    magic = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB"
    triggered = client().messages.create(model=THINKING_MODEL, max_tokens=4000, thinking=thinking, messages=[{"role": "user", "content": magic}])
    assert isinstance(triggered.content[0], anthropic.types.RedactedThinkingBlock), triggered.content


class SQLAnswer(pydantic.BaseModel):
    """An app's structured answer: the SDK sends its schema as output_config.format."""
    sql: str
    # Bounds the SDK moves into the description (structured outputs do not enforce
    # them) and still validates the answer with.
    tables: list[str] = pydantic.Field(min_length=2)
    rows: int = pydantic.Field(ge=3, le=7)
    confidence: float = pydantic.Field(gt=0.5, le=1, multiple_of=0.25)
    code: str = pydantic.Field(pattern=r"^[A-Z]{3}-\d{2}$")
    dialect: Literal["sqlite", "postgres"] = "sqlite"
    notes: Optional[str] = None


GOLDEN = [{"role": "user", "content": "What is the total revenue by region?"}]
GOLDEN_SQL = "SELECT r.name, SUM(s.revenue) AS revenue FROM sales s JOIN regions r ON r.id = s.region_id GROUP BY r.name"


@check("structured outputs: messages.parse gives the app's Pydantic model, streamed too; an off_format fault breaks the parse")
def _():
    parsed = client().messages.parse(model=MODEL, max_tokens=500, messages=GOLDEN, output_format=SQLAnswer)
    assert isinstance(parsed.parsed_output, SQLAnswer), parsed
    assert parsed.parsed_output.sql == GOLDEN_SQL, parsed.parsed_output
    with client().messages.stream(model=MODEL, max_tokens=500, messages=GOLDEN, output_format=SQLAnswer) as stream:
        final = stream.get_final_message()
    assert final.parsed_output == parsed.parsed_output, final
    raw = client().messages.create(model=MODEL, max_tokens=500, messages=GOLDEN,
                                   output_config={"format": {"type": "json_schema", "schema": SQLAnswer.model_json_schema()}})
    assert SQLAnswer.model_validate_json(raw.content[0].text) == parsed.parsed_output, raw
    add_fault("chatty", "structured-chatty", {"quality": {"mode": "off_format"}})
    try:
        broken = client("structured-chatty").messages.parse(model=MODEL, max_tokens=500, messages=GOLDEN, output_format=SQLAnswer)
    except pydantic.ValidationError as error:  # the SDK validates the text as the model's JSON
        assert "json_invalid" in str(error) or "Invalid JSON" in str(error), error
    else:
        raise AssertionError(f"text fenced in prose was parsed: {broken.content[0].text!r}")


def refused(wanted, **kwargs):
    """The call is the API's 400 (a BadRequestError) with `wanted` in its message."""
    try:
        client(max_retries=0).messages.create(**kwargs)
    except anthropic.BadRequestError as error:
        assert wanted in error.message, error.message
    else:
        raise AssertionError(f"accepted: {kwargs}")


@check("prefill: the answer goes on from it on Sonnet 4.5; Claude 4.6 and later refuse it, as does trailing whitespace")
def _():
    prefilled = GOLDEN + [{"role": "assistant", "content": "```sql"}]
    message = client().messages.create(model="claude-sonnet-4-5", max_tokens=500, messages=prefilled, stop_sequences=["```"])
    assert message.stop_reason == "stop_sequence" and message.stop_sequence == "```", message
    assert message.content[0].text.strip() == GOLDEN_SQL, message.content[0].text
    with client().messages.stream(model="claude-sonnet-4-5", max_tokens=500, messages=prefilled, stop_sequences=["```"]) as stream:
        assert "".join(stream.text_stream) == message.content[0].text
    for model, prefill, wanted in [("claude-opus-4-6", "```sql", "does not support assistant message prefill"),
                                   (MODEL, "```sql", "does not support assistant message prefill"),
                                   ("claude-sonnet-4-5", "```sql\n", "cannot end with trailing whitespace")]:
        refused(wanted, model=model, max_tokens=500, messages=GOLDEN + [{"role": "assistant", "content": prefill}])


@check("an empty answer (quality: empty) is content [], as the API's immediate end_turn; streamed too")
def _():
    add_fault("nothing", "empty-answer", {"quality": {"mode": "empty"}})
    message = client("empty-answer").messages.create(model=MODEL, max_tokens=200, messages=GOLDEN)
    assert message.content == [] and message.stop_reason == "end_turn", message
    with client("empty-answer").messages.stream(model=MODEL, max_tokens=200, messages=GOLDEN) as stream:
        assert list(stream.text_stream) == []
        final = stream.get_final_message()
    assert final.content == [] and final.stop_reason == "end_turn", final


@check("model upgrade: Opus 4.7 refuses temperature and a thinking budget; Opus 5.5 begins with a ThinkingBlock unasked and refuses a forced tool")
def _():
    # This SDK no longer takes temperature; older SDKs and raw HTTP still send it.
    for model, extra, wanted in [(MODEL, {"extra_body": {"temperature": 0.2}}, "temperature is deprecated"),
                                 (MODEL, {"thinking": {"type": "enabled", "budget_tokens": 2048}}, '"thinking.type.enabled" is not supported'),
                                 ("claude-opus-5-5", {"tools": [WEATHER_TOOL], "tool_choice": {"type": "any"}}, "tool_choice forces tool use"),
                                 # An explicit timeout: without one the SDK refuses so large a max_tokens unstreamed itself.
                                 ("claude-sonnet-4-5", {"max_tokens": 64001, "timeout": 30}, "maximum allowed number of output tokens")]:
        refused(wanted, model=model, messages=GOLDEN, **{"max_tokens": 4000, **extra})
    message = client().messages.create(model="claude-opus-5-5", max_tokens=4000, messages=GOLDEN)
    assert [b.type for b in message.content] == ["thinking", "text"], message.content
    assert isinstance(message.content[0], anthropic.types.ThinkingBlock) and message.content[0].thinking == "", message.content[0]
    assert message.content[1].text.strip("`\n").removeprefix("sql\n") == GOLDEN_SQL, message.content[1].text


@check("effort: output_config.effort sets how long adaptive thinking runs; xhigh is a BadRequestError on Opus 4.6 and, with thinking off, on Opus 5")
def _():
    usage = {}
    for effort in ["low", "high", "max"]:
        message = client().messages.create(model=MODEL, max_tokens=4000, messages=GOLDEN, thinking={"type": "adaptive"}, output_config={"effort": effort})
        assert [b.type for b in message.content] == ["thinking", "text"], message.content
        usage[effort] = message.usage.output_tokens
    assert usage["low"] < usage["high"] < usage["max"], usage
    for model, thinking, wanted in [(THINKING_MODEL, {"type": "adaptive"}, "Input should be 'low', 'medium', 'high' or 'max'"),
                                    ("claude-opus-5", {"type": "disabled"}, "not supported when thinking is disabled")]:
        refused(wanted, model=model, max_tokens=4000, messages=GOLDEN, thinking=thinking, output_config={"effort": "xhigh"})


@check("count_tokens")
def _():
    count = client().messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "How many regions do we operate in?"}])
    assert count.input_tokens > 5, count


@check("models.list")
def _():
    ids = [model.id for model in client().models.list()]
    assert "claude-opus-4-7" in ids and "claude-sonnet-4-5" in ids, ids
    assert client().models.retrieve("claude-sonnet-4-5").display_name == "Claude Sonnet 4.5"


@check("message batches: create, poll, results (succeeded, errored by a fault, refused params), list, cancel, delete")
def _():
    add_fault("batch-overloaded", "batches", "overloaded", match={"batch": True, "model": "claude-haiku-4-5"})
    batches = client("batches").messages.batches
    ask = [{"role": "user", "content": "How many regions do we operate in?"}]
    batch = batches.create(requests=[
        {"custom_id": "ok", "params": {"model": MODEL, "max_tokens": 200, "messages": ask}},
        {"custom_id": "overloaded", "params": {"model": "claude-haiku-4-5", "max_tokens": 200, "messages": ask}},
        {"custom_id": "refused", "params": {"model": MODEL, "max_tokens": 0, "messages": ask}},
    ])
    assert batch.id.startswith("msgbatch_") and batch.type == "message_batch", batch
    for _ in range(50):
        batch = batches.retrieve(batch.id)
        if batch.processing_status == "ended":
            break
        time.sleep(0.1)
    assert batch.processing_status == "ended" and batch.ended_at is not None, batch
    counts = batch.request_counts
    assert (counts.succeeded, counts.errored, counts.processing) == (1, 2, 0), counts
    results = {r.custom_id: r.result for r in batches.results(batch.id)}
    assert results["ok"].type == "succeeded" and results["ok"].message.content[0].text, results["ok"]
    assert results["overloaded"].type == "errored" and results["overloaded"].error.error.type == "overloaded_error", results["overloaded"]
    refusal = results["refused"].error.error
    assert refusal.type == "invalid_request_error" and "max_tokens" in refusal.message, refusal
    assert batch.id in [b.id for b in batches.list(limit=10)]
    assert batches.delete(batch.id).type == "message_batch_deleted"
    try:
        batches.retrieve(batch.id)
        raise AssertionError("a deleted batch was still there")
    except anthropic.NotFoundError:
        pass

    add_fault("batch-slow", "batches", {"latency": {"first_token": "1h"}}, match={"batch": True})
    slow = batches.create(requests=[{"custom_id": "slow", "params": {"model": MODEL, "max_tokens": 50, "messages": ask}}])
    assert slow.processing_status == "in_progress" and slow.results_url is None, slow
    try:
        batches.results(slow.id)
        raise AssertionError("results of a batch still processing")
    except anthropic.AnthropicError as error:
        assert "in_progress" in str(error), error
    canceling = batches.cancel(slow.id)
    assert canceling.processing_status == "canceling" and canceling.cancel_initiated_at is not None, canceling
    assert batches.retrieve(slow.id).request_counts.canceled == 1
    assert [r.result.type for r in batches.results(slow.id)] == ["canceled"]


def png(width, height):
    """The header of a PNG of this size: all the mock reads of an image."""
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + ihdr + bytes(4)


def error_code(error):
    return ((error.body or {}).get("error", {}).get("details") or {}).get("error_code")


@check("files: upload, metadata, list paged by next_page, an image file in a message counted as input, download refused, expiry, storage quota, delete")
def _():
    sdk = client()
    files = getattr(sdk, "files", None) or sdk.beta.files  # GA since August 2026; beta before
    chart = files.upload(file=("reports/chart.png", png(1000, 500), "image/png"))
    assert chart.id.startswith("file_") and chart.type == "file" and chart.filename == "chart.png", chart
    assert chart.mime_type == "image/png" and chart.size_bytes == 33 and chart.downloadable is False, chart
    assert files.retrieve_metadata(chart.id).id == chart.id
    notes = sdk.beta.files.upload(file=("notes.txt", b"revenue by region, quarter by quarter", "text/plain"))
    third = files.upload(file=("third.png", png(10, 10), "image/png"))
    ids = [f.id for f in files.list(limit=2)]  # the SDK follows next_page to the end
    assert ids[:3] == [third.id, notes.id, chart.id], ids

    ask = [{"type": "text", "text": "What does the chart show?"}]
    plain = sdk.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": ask}])
    source = {"type": "file", "file_id": chart.id}
    seen = sdk.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": [{"type": "image", "source": source}] + ask}])
    assert seen.usage.input_tokens - plain.usage.input_tokens == 667, (plain.usage, seen.usage)
    document = {"type": "document", "source": {"type": "file", "file_id": notes.id}}
    assert sdk.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": [document] + ask}]).input_tokens > plain.usage.input_tokens
    try:
        sdk.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": [{"type": "document", "source": source}] + ask}])
        raise AssertionError("an image file in a document block was taken")
    except anthropic.BadRequestError as error:
        assert "Invalid file type" in str(error), error

    try:
        files.download(chart.id)
        raise AssertionError("an upload was downloaded")
    except anthropic.BadRequestError as error:
        assert error_code(error) == "file_not_downloadable", error.body

    brief = files.upload(file=("brief.png", png(10, 10), "image/png"), expires_in_seconds=3600)
    assert brief.expires_at is not None and (brief.expires_at - brief.created_at).total_seconds() == 3600, brief
    try:
        files.upload(file=("big.bin", bytes(11_000_000), "application/octet-stream"))
        raise AssertionError("an upload over the storage quota was kept")
    except anthropic.BadRequestError as error:
        assert error_code(error) == "storage_quota_exceeded", error.body

    assert files.delete(chart.id).id == chart.id
    try:
        files.retrieve_metadata(chart.id)
        raise AssertionError("a deleted file was still there")
    except anthropic.NotFoundError:
        pass
    try:
        sdk.messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": [{"type": "image", "source": source}] + ask}])
        raise AssertionError("a message named a deleted file")
    except anthropic.NotFoundError as error:
        assert chart.id in str(error), error


for name, failure in results:
    print(f"PASS {name}" if failure is None else f"FAIL {name}: {failure}")
print(f"{sum(f is None for _, f in results)} passed, {sum(f is not None for _, f in results)} failed")
sys.exit(0 if all(f is None for _, f in results) else 1)
