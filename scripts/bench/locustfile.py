"""Locust's fastest user against the same endpoint and body as wrk; no think time.
scripts/bench/compare passes the body in LLMCHAOS_BENCH_BODY."""
import os

from locust import FastHttpUser, constant, task

BODY = os.environ["LLMCHAOS_BENCH_BODY"]
HEADERS = {"content-type": "application/json", "x-api-key": "sk-bench", "anthropic-version": "2023-06-01"}


class Messages(FastHttpUser):
    wait_time = constant(0)

    @task
    def ask(self):
        self.client.post("/v1/messages", data=BODY, headers=HEADERS)
