"""The WebSocket backend a KrakenD gateway talks to, written from the manual
("WebSockets Integration"), with the Python `websockets` package.

    backend.py [WS_PORT] [--verbose]

Binds 127.0.0.1 (port 0 or omitted = ephemeral). Prints the WebSocket port on
the first stdout line and the control API's port on the second, then serves
until its stdin closes (or Ctrl-C).

WebSocket paths:

  /mux   the multiplexing backend. The first message must be the text
         {"msg":"KrakenD WS proxy starting"} (compared as JSON); it answers
         `OK`, otherwise it closes (1002). Every later message is recorded
         as it arrived; one that is an envelope {"url", "session", "body"}
         whose base64 body decodes to JSON with a "cmd" key drives it:
           {"cmd":"echo"}                      -> {"session":{"uuid":U},"body":B}  (B as received)
           {"cmd":"room","text":T}             -> {"url":URL,"body":b64(T)}
           {"cmd":"all","text":T}              -> {"body":b64(T)}
           {"cmd":"raw","text":T}              -> T itself (not an envelope)
           {"cmd":"filter","session":S,"text":T} -> {"session":S,"body":b64(T)}
         Anything else (connect/disconnect events, other bodies) is only recorded.
  /echo  the direct-mode backend: echoes text and binary messages unchanged,
         selects the first subprotocol the client offers among chat.v1 and
         chat.v2 (none if it offers neither), records each handshake.
  other paths are answered 404.

Control API (plain HTTP/1.1, JSON answers, one request per connection):

  GET  /connections        {"mux": {"open": n, "total": n}, "echo": {...}, "listening": bool}
  GET  /received           every raw message the gateway sent on /mux, handshakes
                           included (list of strings; binary ones as "binary:<base64>")
  GET  /headers            the /echo handshakes: [{"path", "query", "headers": [[name, value]...],
                           "subprotocol"}]; `?path=mux` gives the /mux handshakes
  POST /restart?down_ms=N  aborts every WebSocket connection (no close frame) and
                           closes the listener; answers once it is down, listens
                           again on the same port N ms later (default 1500)
  POST /send               sends the request body, as-is, as a text message to
                           every open /mux connection; answers {"sent": n}
"""
import argparse
import asyncio
import base64
import binascii
import json
import logging
import sys
import threading
import urllib.parse

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response
from websockets.datastructures import Headers

HANDSHAKE = {"msg": "KrakenD WS proxy starting"}
ECHO_SUBPROTOCOLS = ("chat.v1", "chat.v2")

log = logging.getLogger("backend")


class State:
    def __init__(self):
        self.counts = {"mux": {"open": 0, "total": 0}, "echo": {"open": 0, "total": 0}}
        self.received = []           # raw messages from the gateway on /mux
        self.handshakes = {"mux": [], "echo": []}
        self.mux = set()             # open /mux connections that passed the handshake
        self.server = None           # the current websockets Server, None while down
        self.port = 0
        self.restart_lock = asyncio.Lock()


state = State()


def b64(text):
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def record_handshake(kind, ws):
    parts = urllib.parse.urlsplit(ws.request.path)
    state.handshakes[kind].append({
        "path": parts.path,
        "query": parts.query,
        "headers": [[k, v] for k, v in ws.request.headers.raw_items()],
        "subprotocol": ws.subprotocol,
    })


def route(ws, request):
    path = urllib.parse.urlsplit(request.path).path
    if path not in ("/mux", "/echo"):
        return Response(404, "Not Found", Headers([("Content-Length", "10")]), b"not found\n")
    return None


def select_subprotocol(ws, offered):
    if urllib.parse.urlsplit(ws.request.path).path != "/echo":
        return None
    return next((p for p in offered if p in ECHO_SUBPROTOCOLS), None)


def command_reply(raw):
    """The backend's answer to one envelope from the gateway, or None."""
    try:
        envelope = json.loads(raw)
        if not isinstance(envelope, dict) or not isinstance(envelope.get("body"), str):
            return None
        command = json.loads(base64.b64decode(envelope["body"], validate=True))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(command, dict) or "cmd" not in command:
        return None
    cmd = command["cmd"]
    text = str(command.get("text", ""))
    session = envelope.get("session") if isinstance(envelope.get("session"), dict) else {}
    if cmd == "echo":
        return json.dumps({"session": {"uuid": session.get("uuid")}, "body": envelope["body"]})
    if cmd == "room":
        return json.dumps({"url": envelope.get("url"), "body": b64(text)})
    if cmd == "all":
        return json.dumps({"body": b64(text)})
    if cmd == "raw":
        return text
    if cmd == "filter":
        return json.dumps({"session": command.get("session", {}), "body": b64(text)})
    return None


async def serve_mux(ws):
    try:
        first = await asyncio.wait_for(ws.recv(), timeout=10)
    except (asyncio.TimeoutError, ConnectionClosed):
        return
    state.received.append(first if isinstance(first, str) else "binary:" + b64(first))
    try:
        ok = isinstance(first, str) and json.loads(first) == HANDSHAKE
    except ValueError:
        ok = False
    if not ok:
        log.info("mux: bad handshake %r", first)
        await ws.close(1002, "expected the KrakenD handshake")
        return
    await ws.send("OK")
    log.info("mux: handshake done")
    state.mux.add(ws)
    try:
        async for message in ws:
            if isinstance(message, bytes):
                state.received.append("binary:" + b64(message))
                message = message.decode("utf-8", "replace")
            else:
                state.received.append(message)
            log.info("mux <- %s", message)
            reply = command_reply(message)
            if reply is not None:
                log.info("mux -> %s", reply)
                await ws.send(reply)
    finally:
        state.mux.discard(ws)


async def serve_echo(ws):
    async for message in ws:
        await ws.send(message)


async def handler(ws):
    kind = urllib.parse.urlsplit(ws.request.path).path.lstrip("/")
    state.counts[kind]["open"] += 1
    state.counts[kind]["total"] += 1
    record_handshake(kind, ws)
    log.info("%s: connected %s", kind, ws.request.path)
    try:
        await (serve_mux(ws) if kind == "mux" else serve_echo(ws))
    except ConnectionClosed:
        pass
    finally:
        state.counts[kind]["open"] -= 1
        log.info("%s: disconnected", kind)


async def listen(port):
    return await serve(handler, "127.0.0.1", port, process_request=route,
                       select_subprotocol=select_subprotocol, max_size=16 * 2**20)


async def go_down():
    server, state.server = state.server, None
    server.close(close_connections=False)     # stop accepting connections
    for connection in list(server.handlers):
        connection.transport.abort()          # abrupt: no close frame, a reset
    try:
        await asyncio.wait_for(server.wait_closed(), timeout=5)
    except asyncio.TimeoutError:
        pass


async def come_back(down_ms):
    await asyncio.sleep(down_ms / 1000)
    for _ in range(50):
        try:
            state.server = await listen(state.port)
            log.info("listening again on %d", state.port)
            return
        except OSError:
            await asyncio.sleep(0.1)
    log.error("could not listen again on %d", state.port)


async def restart(down_ms):
    async with state.restart_lock:
        if state.server is None:
            return {"error": "already down"}
        aborted = len(state.server.handlers)
        await go_down()
        asyncio.get_running_loop().create_task(come_back(down_ms))
        return {"down_ms": down_ms, "aborted": aborted}


# --- the control API: just enough HTTP/1.1 -----------------------------------

async def control(reader, writer):
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
        status, answer = await dispatch(method, target, body)
    except Exception as error:  # a broken request must not stop the peer
        status, answer = 400, {"error": repr(error)}
    data = json.dumps(answer).encode()
    writer.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n" % (status, b"OK" if status == 200 else b"Error", len(data)) + data)
    try:
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    except ConnectionError:
        pass


async def dispatch(method, target, body):
    parts = urllib.parse.urlsplit(target)
    query = urllib.parse.parse_qs(parts.query)
    if method == "GET" and parts.path == "/connections":
        return 200, dict(state.counts, listening=state.server is not None)
    if method == "GET" and parts.path == "/received":
        return 200, state.received
    if method == "GET" and parts.path == "/headers":
        return 200, state.handshakes["mux" if query.get("path") == ["mux"] else "echo"]
    if method == "POST" and parts.path == "/restart":
        return 200, await restart(int(query.get("down_ms", ["1500"])[0]))
    if method == "POST" and parts.path == "/send":
        text = body.decode()
        targets = list(state.mux)
        for ws in targets:
            try:
                await ws.send(text)
            except ConnectionClosed:
                pass
        return 200, {"sent": len(targets)}
    return 404, {"error": "no such control: %s %s" % (method, parts.path)}


def stdin_closed(loop, done):
    try:
        sys.stdin.read()
    except Exception:
        pass
    loop.call_soon_threadsafe(done.set)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    # Quiet unless asked: a gateway dropping connections is what the tests do.
    logging.basicConfig(stream=sys.stderr, level=logging.INFO if options.verbose else logging.CRITICAL,
                        format="backend: %(message)s")
    if not options.verbose:
        logging.getLogger("websockets").setLevel(logging.CRITICAL)

    state.server = await listen(options.port)
    state.port = state.server.sockets[0].getsockname()[1]
    control_server = await asyncio.start_server(control, "127.0.0.1", 0)
    print("%d\n%d" % (state.port, control_server.sockets[0].getsockname()[1]), flush=True)

    done = asyncio.Event()
    threading.Thread(target=stdin_closed, args=(asyncio.get_running_loop(), done), daemon=True).start()
    await done.wait()
    control_server.close()
    if state.server is not None:
        state.server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
