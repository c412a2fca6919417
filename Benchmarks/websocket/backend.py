"""WebSocket backend for Benchmarks/websocket/run.sh (picows on uvloop).

One process, three paths:

  /mux      the gateway's multiplexed connection: answers `OK` to
            {"msg":"KrakenD WS proxy starting"}, then answers every envelope
            {"url":..,"session":{"uuid":U,..},"body":B} with the unicast
            envelope {"session":{"uuid":U},"body":B} (the body is copied as
            it came, still base64: no decode/encode).
  /direct   one connection per client (the gateway's direct mode, nginx, or
            the client itself): every message is echoed as it came.
  /control  the harness: {"cmd":"fanout","target":"mux"|"direct","round":R}
            sends round R's fan-out message, text "F <R> <time_ns>", as one
            broadcast envelope on every /mux connection, or to each /direct
            connection in turn (the time is taken once, before the first
            send); {"cmd":"stats"} counts connections and messages.

Usage: python3 backend.py PORT   (serves until SIGTERM or SIGINT)
"""

import asyncio
import base64
import signal
import sys
import time

import orjson
import uvloop
from picows import WSListener, WSMsgType, WSCloseCode, ws_create_server

HANDSHAKE = b'{"msg":"KrakenD WS proxy starting"}'

mux_conns = set()
direct_conns = set()
stats = {"mux_in": 0, "direct_in": 0, "bad": 0}


class Base(WSListener):
    """Reassembles fragmented messages and answers close frames."""

    __slots__ = ("transport", "parts", "opcode")

    def __init__(self):
        self.transport = None
        self.parts = None
        self.opcode = None

    def on_ws_connected(self, transport):
        self.transport = transport

    def on_ws_frame(self, transport, frame):
        t = frame.msg_type
        if t == WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()
            return
        if t == WSMsgType.CONTINUATION:
            if self.parts is None:
                return
            self.parts.append(frame.get_payload_as_bytes())
            if frame.fin:
                data, opcode = b"".join(self.parts), self.opcode
                self.parts = None
                self.message(transport, opcode, data)
            return
        if t != WSMsgType.TEXT and t != WSMsgType.BINARY:
            return
        if not frame.fin:
            self.parts, self.opcode = [frame.get_payload_as_bytes()], t
            return
        self.message(transport, t, frame.get_payload_as_bytes())

    def message(self, transport, opcode, data):
        pass


class Mux(Base):
    __slots__ = ("ready",)

    def __init__(self):
        super().__init__()
        self.ready = False

    def on_ws_connected(self, transport):
        self.transport = transport
        mux_conns.add(transport)

    def on_ws_disconnected(self, transport):
        mux_conns.discard(transport)

    def message(self, transport, opcode, data):
        if not self.ready:
            if data == HANDSHAKE:
                self.ready = True
                transport.send(WSMsgType.TEXT, b"OK")
            else:
                stats["bad"] += 1
            return
        stats["mux_in"] += 1
        try:
            env = orjson.loads(data)
            reply = orjson.dumps({"session": {"uuid": env["session"]["uuid"]}, "body": env["body"]})
        except Exception:
            stats["bad"] += 1
            return
        transport.send(WSMsgType.TEXT, reply)


class Direct(Base):
    __slots__ = ()

    def on_ws_connected(self, transport):
        self.transport = transport
        direct_conns.add(transport)

    def on_ws_disconnected(self, transport):
        direct_conns.discard(transport)

    def message(self, transport, opcode, data):
        stats["direct_in"] += 1
        transport.send(opcode, data)


class Control(Base):
    __slots__ = ()

    def message(self, transport, opcode, data):
        try:
            cmd = orjson.loads(data)
        except Exception:
            return
        if cmd.get("cmd") == "fanout":
            r = int(cmd["round"])
            ts = time.time_ns()
            text = b"F %d %d" % (r, ts)
            if cmd.get("target") == "mux":
                conns = list(mux_conns)
                msg = orjson.dumps({"body": base64.b64encode(text).decode()})
            else:
                conns = list(direct_conns)
                msg = text
            for t in conns:
                t.send(WSMsgType.TEXT, msg)
            took = time.time_ns() - ts
            transport.send(WSMsgType.TEXT, orjson.dumps({"sent": len(conns), "send_ns": took}))
        elif cmd.get("cmd") == "stats":
            transport.send(WSMsgType.TEXT, orjson.dumps({"mux": len(mux_conns), "direct": len(direct_conns), **stats}))


def route(request):
    path = request.path.split(b"?", 1)[0]
    if path == b"/mux":
        return Mux()
    if path.startswith(b"/direct"):
        return Direct()
    if path == b"/control":
        return Control()
    return None


async def main(port):
    server = await ws_create_server(route, "127.0.0.1", port, backlog=4096,
                                    read_buffer_init_size=4096, websocket_handshake_timeout=30)
    print(f"backend listening on 127.0.0.1:{port}", flush=True)
    stop = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()
    for t in list(mux_conns) + list(direct_conns):
        t.disconnect(graceful=False)


if __name__ == "__main__":
    uvloop.run(main(int(sys.argv[1])))
