"""A Python mock of POST /v1/messages for the side-by-side comparison: aiohttp,
one process, answering the same bytes the llmchaos mock answers (read from a
file), so the comparison measures the servers, not the answers.

usage: python_mock.py PORT BODY_FILE
"""
import sys

from aiohttp import web

port, body = int(sys.argv[1]), open(sys.argv[2], "rb").read()


async def messages(request):
    await request.read()
    return web.Response(body=body, content_type="application/json")


async def health(request):
    return web.Response(text="ok")


app = web.Application()
app.router.add_post("/v1/messages", messages)
app.router.add_get("/health", health)
web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
