"""Locust's fastest user against the same endpoint and body as wrk; no think time."""
import json

from locust import FastHttpUser, constant, task

BODY = json.dumps({"model": "claude-opus-4-7", "max_tokens": 256,
                   "messages": [{"role": "user", "content": "What is the total revenue by region?"}]})


class Messages(FastHttpUser):
    wait_time = constant(0)

    @task
    def ask(self):
        self.client.post("/v1/messages", data=BODY, headers={
            "content-type": "application/json", "x-api-key": "sk-bench", "anthropic-version": "2023-06-01"})
