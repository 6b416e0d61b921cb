#!/usr/bin/env python3
"""Holds many idle TCP connections, for bench/idle-memory.sh.

  idle_conns.py backend PORT             accepts connections, echoes what it reads, holds them open
  idle_conns.py http-backend PORT        an HTTP/1.1 keep-alive server (Python's http.server) answering
                                         every GET with 200 "ok"
  idle_conns.py clients PORT N SECONDS   opens N connections to PORT, checks one echo on each, holds
                                         them for SECONDS (or until stdin closes), prints "held N"
                                         once all are open, then closes them all
  idle_conns.py http PORT N SECONDS      as clients, but each connection sends one HTTP/1.1 GET / and
                                         reads a 200 response (keep-alive) instead of an echo; the
                                         connections then sit idle, kept alive, and are closed at the end

Bounded: every wait has a timeout; the client exits after SECONDS at the latest.
"""
import asyncio
import http.server
import sys


async def backend(port):
    async def serve(reader, writer):
        try:
            while data := await reader.read(4096):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=4096)
    print("listening", port, flush=True)
    async with server:
        await server.serve_forever()


async def one_client(port, i, sem):
    async with sem:  # bounded concurrent handshakes: the accept queue stays short
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        marker = b"%08d\n" % i
        writer.write(marker)
        await writer.drain()
        got = await asyncio.wait_for(reader.readexactly(len(marker)), 10)
        if got != marker:
            raise RuntimeError(f"connection {i}: echoed {got!r}, sent {marker!r}")
        return writer


async def one_http_client(port, i, sem):
    async with sem:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        writer.write(b"GET / HTTP/1.1\r\nHost: idle.test\r\nX-Client: %d\r\n\r\n" % i)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        status = head.split(b"\r\n", 1)[0]
        if not status.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"connection {i}: {status!r}")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await asyncio.wait_for(reader.readexactly(length), 10)
        return writer


async def clients(port, n, seconds, http=False):
    sem = asyncio.Semaphore(200)
    one = one_http_client if http else one_client
    results = await asyncio.gather(*(one(port, i, sem) for i in range(n)), return_exceptions=True)
    writers = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    print("held", len(writers), "failed", len(errors), flush=True)
    if errors:
        print("first error:", repr(errors[0]), file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    try:
        await asyncio.wait_for(stdin_closed, seconds)
    except asyncio.TimeoutError:
        pass
    for w in writers:
        w.close()
    await asyncio.sleep(0.5)
    return 0 if not errors else 1


class Ok(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 4096  # the listen backlog: the default of 5 drops the SYNs of a burst
    daemon_threads = True


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "backend":
        asyncio.run(backend(port))
    elif mode == "http-backend":
        print("listening", port, flush=True)
        Server(("127.0.0.1", port), Ok).serve_forever()
    elif mode in ("clients", "http"):
        sys.exit(asyncio.run(clients(port, int(sys.argv[3]), float(sys.argv[4]), http=mode == "http")))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
