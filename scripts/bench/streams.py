"""Holds many answers open on the mock at once and reports what they cost it.

Used by scripts/bench/compare. Each client connects to 127.0.0.1, asks for a
streamed answer whose tokens come slowly (the mock runs a per-token latency
fault), reads until the first content delta, and holds the stream open; or, with
`stream=False`, asks for a JSON answer that a stall fault leaves half sent, and
reads until its first bytes. When all are open, the mock's resident memory is
read from /proc; then every connection is closed. Bounded: a fixed number of
connections, each with a time limit.
"""
import asyncio
import json
import resource
import time

BODY = json.dumps({"model": "claude-opus-4-7", "max_tokens": 256, "stream": True,
                   "messages": [{"role": "user", "content": "What is the total revenue by region?"}]})
JSON_BODY = json.dumps({"model": "claude-opus-4-7", "max_tokens": 256,
                        "messages": [{"role": "user", "content": "What is the total revenue by region?"}]})


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def raise_fd_limit(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, count + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


async def open_stream(port, streams, failures, gate, limit, stream):
    body, marker = (BODY, b"content_block_delta") if stream else (JSON_BODY, b'{"content":')
    async with gate:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), limit)
            request = (f"POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                       f"x-api-key: sk-bench\r\nanthropic-version: 2023-06-01\r\ncontent-length: {len(body)}\r\n\r\n{body}")
            writer.write(request.encode())
            await writer.drain()
            seen = b""
            deadline = time.monotonic() + limit
            while marker not in seen:
                chunk = await asyncio.wait_for(reader.read(4096), max(0.1, deadline - time.monotonic()))
                if not chunk:
                    raise ConnectionError("closed before the first token")
                seen = (seen + chunk)[-8192:]
            streams.append(writer)
        except Exception as error:
            failures.append(repr(error))


async def hold(port, pid, count, stream, limit=60):
    streams, failures = [], []
    gate = asyncio.Semaphore(512)
    baseline = rss_kib(pid)
    started = time.monotonic()
    await asyncio.gather(*(open_stream(port, streams, failures, gate, limit, stream) for _ in range(count)))
    opened = time.monotonic() - started
    await asyncio.sleep(1)
    loaded = rss_kib(pid)
    for writer in streams:
        writer.close()
    return {"requested": count, "open": len(streams), "failures": failures[:3], "failed": len(failures),
            "baseline_kib": baseline, "loaded_kib": loaded, "per_stream_kib": (loaded - baseline) / max(1, len(streams)),
            "seconds_to_open": opened}


def measure(port, pid, count, stream=True):
    raise_fd_limit(count)
    return asyncio.run(hold(port, pid, count, stream))
