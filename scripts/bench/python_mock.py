"""A Python mock of POST /v1/messages for the side-by-side comparison, answering
the same bytes the llmchaos mock answers (read from a file), so the comparison
measures the servers, not the answers. Two kinds, both named by the issue:

- aiohttp (default): one process, asyncio, a C HTTP parser: the fast Python server;
- stdlib: the standard library's `http.server.ThreadingHTTPServer`, a thread per
  connection, keep-alive (HTTP/1.1): what a quick Python mock is usually built on.

usage: python_mock.py PORT BODY_FILE [aiohttp|stdlib]
"""
import sys

port, body = int(sys.argv[1]), open(sys.argv[2], "rb").read()
kind = sys.argv[3] if len(sys.argv) > 3 else "aiohttp"


def serve_aiohttp():
    from aiohttp import web

    async def messages(request):
        await request.read()
        return web.Response(body=body, content_type="application/json")

    async def health(request):
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/v1/messages", messages)
    app.router.add_get("/health", health)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def serve_stdlib():
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Head and body in one write, sent at once: unbuffered, the body waited for
        # the client's delayed ACK of the head (Nagle), 40 ms an answer, and the
        # comparison measured that rather than the server (832 requests/s).
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def answer(self, payload, content_type):
            self.send_response(200)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.answer(body, "application/json")

        def do_GET(self):
            self.answer(b"ok", "text/plain")

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # wrk resetting its connections at the end of a run

    Server(("127.0.0.1", port), Handler).serve_forever()


{"aiohttp": serve_aiohttp, "stdlib": serve_stdlib}[kind]()
