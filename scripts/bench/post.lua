-- wrk: the same Messages request every time.
wrk.method = "POST"
wrk.body = '{"model":"claude-opus-4-7","max_tokens":256,"messages":[{"role":"user","content":"What is the total revenue by region?"}]}'
wrk.headers["content-type"] = "application/json"
wrk.headers["x-api-key"] = "sk-bench"
wrk.headers["anthropic-version"] = "2023-06-01"
