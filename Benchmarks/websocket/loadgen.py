"""One load-generator process for Benchmarks/websocket/bench.py (picows on uvloop).

Usage: python3 loadgen.py URL COUNT

Holds COUNT WebSocket clients of URL. Reads commands from stdin and answers
on stdout, one JSON object per line:

  {"cmd":"connect","concurrency":C,"timeout":S,"budget":B}
      opens the clients, at most C handshakes at a time, each bounded by S
      seconds, all within B seconds -> {"ev":"connected","ok":..,"failed":..,"errors":{..},"secs":..}
  {"cmd":"load","warmup":W,"duration":D,"drain":S}
      every client sends "E<seq>" and, once the same text comes back, the
      next one (one message in flight per client), for W+D seconds; round
      trips completed in the last D seconds are counted. Waits up to S
      seconds for the messages still in flight.
      -> {"ev":"load","rt":..,"secs":..,"mismatch":..,"inflight":..}
  {"cmd":"fanout_arm"}
      from now on "F <round> <time_ns>" messages are recorded; when every
      open client has one of a round -> {"ev":"round","r":R}
  {"cmd":"fanout_report"}
      -> {"ev":"fanout","lat":{"R":[latency in us, ..]}} (receive time_ns -
      send time_ns, both CLOCK_REALTIME on this machine)
  {"cmd":"close","timeout":S}
      closes every client (close handshake, bounded) and exits
      -> {"ev":"closed","secs":..}

Every answer also carries "open" (clients open now) and "dropped" (clients
that the server side closed or lost, with their close codes).
"""

import asyncio
import sys
import time

import orjson
import uvloop
from picows import WSListener, WSMsgType, WSCloseCode, ws_connect


class Worker:
    def __init__(self, url, count):
        self.url = url
        self.count = count
        self.clients = []
        self.open = 0
        self.closing = False
        self.dropped = {}
        # load
        self.running = False
        self.measuring = False
        self.rt = 0
        self.inflight = 0
        self.mismatch = 0
        # fan-out
        self.fanout_on = False
        self.lat = {}
        self.done_rounds = set()

    def emit(self, obj):
        obj["open"] = self.open
        obj["dropped"] = self.dropped
        sys.stdout.buffer.write(orjson.dumps(obj) + b"\n")
        sys.stdout.buffer.flush()

    # --- client events -----------------------------------------------------

    def on_echo(self, client, data):
        if not client.waiting or data != client.last:
            self.mismatch += 1
            return
        client.waiting = False
        self.inflight -= 1
        if self.measuring:
            self.rt += 1
        if self.running:
            self.send_next(client)

    def send_next(self, client):
        client.seq += 1
        client.last = b"E%d" % client.seq
        client.waiting = True
        self.inflight += 1
        client.transport.send(WSMsgType.TEXT, client.last)

    def on_fanout(self, data, now):
        if not self.fanout_on:
            return
        try:
            _, r, ts = data.split(b" ")
            r = int(r)
            lat = (now - int(ts)) // 1000
        except ValueError:
            self.mismatch += 1
            return
        got = self.lat.get(r)
        if got is None:
            got = self.lat[r] = []
        got.append(lat)
        if len(got) >= self.open and r not in self.done_rounds:
            self.done_rounds.add(r)
            self.emit({"ev": "round", "r": r})

    def on_drop(self, client, code):
        self.open -= 1
        if not self.closing:
            key = str(code)
            self.dropped[key] = self.dropped.get(key, 0) + 1
        # A client that left with a message in flight will not get its answer.
        if client.waiting:
            client.waiting = False
            self.inflight -= 1

    # --- commands ------------------------------------------------------------

    async def connect(self, concurrency, timeout, budget):
        t0 = time.monotonic()
        errors = {}
        sem = asyncio.Semaphore(concurrency)
        worker = self

        async def one():
            async with sem:
                try:
                    transport, client = await asyncio.wait_for(
                        ws_connect(lambda: Client(worker), self.url, read_buffer_init_size=1024,
                                   websocket_handshake_timeout=timeout, max_redirects=0),
                        timeout)
                    self.clients.append(client)
                except Exception as e:  # noqa: BLE001 - every failure is counted by kind
                    key = type(e).__name__ + (": " + str(e)[:80] if str(e) else "")
                    errors[key] = errors.get(key, 0) + 1

        tasks = [asyncio.ensure_future(one()) for _ in range(self.count)]
        done, pending = await asyncio.wait(tasks, timeout=budget)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            errors[f"not connected within the {budget} s connect budget"] = len(pending)
        self.emit({"ev": "connected", "ok": len(self.clients), "failed": self.count - len(self.clients),
                   "errors": errors, "secs": round(time.monotonic() - t0, 3)})

    async def load(self, warmup, duration, drain):
        loop = asyncio.get_running_loop()
        self.rt = 0
        self.mismatch = 0
        self.running = True
        for c in self.clients:
            if not c.transport.is_disconnected:
                self.send_next(c)
        await asyncio.sleep(warmup)
        self.rt = 0
        self.measuring = True
        t0 = loop.time()
        await asyncio.sleep(duration)
        self.measuring = False
        self.running = False
        secs = loop.time() - t0
        rt = self.rt
        deadline = loop.time() + drain
        while self.inflight > 0 and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self.emit({"ev": "load", "rt": rt, "secs": round(secs, 4), "mismatch": self.mismatch,
                   "inflight": self.inflight})
        # Late answers from now on count as mismatches, not round trips.
        for c in self.clients:
            c.waiting = False
        self.inflight = 0

    async def close(self, timeout):
        t0 = time.monotonic()
        self.closing = True
        for c in self.clients:
            if not c.transport.is_disconnected:
                c.transport.send_close(WSCloseCode.OK)
        try:
            await asyncio.wait_for(
                asyncio.gather(*(c.transport.wait_disconnected() for c in self.clients)), timeout)
        except asyncio.TimeoutError:
            for c in self.clients:
                c.transport.disconnect(graceful=False)
        self.emit({"ev": "closed", "secs": round(time.monotonic() - t0, 3)})


class Client(WSListener):
    __slots__ = ("worker", "transport", "seq", "last", "waiting")

    def __init__(self, worker):
        self.worker = worker
        self.transport = None
        self.seq = 0
        self.last = None
        self.waiting = False

    def on_ws_connected(self, transport):
        self.transport = transport
        self.worker.open += 1

    def on_ws_frame(self, transport, frame):
        t = frame.msg_type
        if t == WSMsgType.TEXT:
            data = frame.get_payload_as_bytes()
            if data[:1] == b"F":
                self.worker.on_fanout(data, time.time_ns())
            else:
                self.worker.on_echo(self, data)
        elif t == WSMsgType.CLOSE:
            if not transport.is_close_frame_sent:
                transport.send_close(frame.get_close_code())
            transport.disconnect()

    def on_ws_disconnected(self, transport):
        hs = transport.close_handshake
        code = hs.recv.code.value if hs is not None and hs.recv is not None else "no close frame"
        self.worker.on_drop(self, code)


async def main(url, count):
    loop = asyncio.get_running_loop()
    worker = Worker(url, count)
    reader = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = orjson.loads(line)
        c = cmd["cmd"]
        if c == "connect":
            await worker.connect(cmd.get("concurrency", 64), cmd.get("timeout", 15), cmd.get("budget", 90))
        elif c == "load":
            await worker.load(cmd["warmup"], cmd["duration"], cmd.get("drain", 10))
        elif c == "fanout_arm":
            worker.lat = {}
            worker.done_rounds = set()
            worker.fanout_on = True
            worker.emit({"ev": "armed"})
        elif c == "fanout_report":
            worker.fanout_on = False
            worker.emit({"ev": "fanout", "lat": {str(k): v for k, v in worker.lat.items()}})
        elif c == "close":
            await worker.close(cmd.get("timeout", 10))
            break
    for c in worker.clients:
        c.transport.disconnect(graceful=False)


if __name__ == "__main__":
    uvloop.run(main(sys.argv[1], int(sys.argv[2])))
