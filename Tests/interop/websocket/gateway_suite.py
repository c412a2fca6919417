"""An independent check of the gateway's WebSocket endpoints, with the Python
`websockets` package as the end clients, written from the manual
("WebSockets Integration") and the websocket option schema.

    gateway_suite.py --gateway ws://127.0.0.1:PORT --control http://127.0.0.1:CPORT [--clients 50]

The gateway must serve krakend.json.template (next to this file) with
{{BACKEND}} set to backend.py's WebSocket address; --control is backend.py's
control API (its second stdout line):

  /mux/{room}  multiplexed onto the backend's /mux (connect and disconnect
               events, max_message_size 4096, unlimited retries, fallback
               backoff, input_headers X-User, input_query_strings token)
  /direct      direct communication with the backend's /echo (subprotocols
               chat.v2 then chat.v1, max_message_size 65536, same inputs)

Prints one line per check ("ok NAME" or "FAIL NAME: reason"), "info ..."
lines for what the manual leaves open (they never fail), and finally
"N passed, N failed"; exits 1 if any check failed. Every check is bounded by
a timeout, so a missing or stuck gateway fails the checks instead of hanging.
"""
import argparse
import asyncio
import base64
import binascii
import json
import os
import secrets
import sys
import urllib.parse
import urllib.request
import uuid

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

HANDSHAKE = {"msg": "KrakenD WS proxy starting"}
QUIET = 0.3        # how long "nobody else receives it" is watched
ARRIVE = 3.0       # how long a message may take to arrive

parser = argparse.ArgumentParser()
parser.add_argument("--gateway", required=True, help="ws://127.0.0.1:PORT")
parser.add_argument("--control", required=True, help="backend.py's control API, http://127.0.0.1:CPORT")
parser.add_argument("--clients", type=int, default=50, help="mux clients, split between rooms a and b")
options = parser.parse_args()
GATEWAY = options.gateway.rstrip("/")
CONTROL = options.control.rstrip("/")

results = {"passed": 0, "failed": 0}
state = {}   # what earlier checks established, for the later ones


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def info(text):
    print("info " + text, flush=True)


async def bounded(test, timeout):
    """Runs test(); raises what it raised, or Failure if it outlives timeout."""
    task = asyncio.ensure_future(test())
    done, _ = await asyncio.wait([task], timeout=timeout)
    if not done:
        task.cancel()
        raise Failure("timed out after %gs" % timeout)
    return task.result()


async def check(name, test, timeout=15):
    try:
        await bounded(test, timeout)
        results["passed"] += 1
        print("ok   " + name, flush=True)
    except Exception as error:
        results["failed"] += 1
        reason = str(error) if isinstance(error, Failure) else repr(error)
        print("FAIL %s: %s" % (name, " ".join(reason.split())[:800]), flush=True)


async def informational(name, test, timeout=15):
    """Like check, for what the manual leaves open: prints, never fails."""
    try:
        await bounded(test, timeout)
    except Exception as error:
        info("%s: could not tell: %s" % (name, " ".join(repr(error).split())[:300]))


def is_handshake(raw):
    try:
        return json.loads(raw) == HANDSHAKE
    except ValueError:
        return False


def needs(*keys):
    for key in keys:
        expect(key in state, "skipped: an earlier check did not establish %r" % key)


# --- the backend's control API ---------------------------------------------

def _control(method, path, body):
    request = urllib.request.Request(CONTROL + path, method=method, data=body)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


async def control(method, path, body=None):
    return await asyncio.to_thread(_control, method, path, body)


async def received():
    return await control("GET", "/received")


def decode(raw):
    """An envelope the backend received: (envelope, body bytes), or (None, None)."""
    try:
        envelope = json.loads(raw)
        return envelope, base64.b64decode(envelope["body"], validate=True)
    except (ValueError, TypeError, KeyError, binascii.Error):
        return None, None


async def wait_received(predicate, timeout, start=0):
    """Polls the backend's record until one entry (from index start) matches;
    returns (index, raw entry)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        entries = await received()
        for index in range(start, len(entries)):
            if predicate(entries[index]):
                return index, entries[index]
        if asyncio.get_running_loop().time() > deadline:
            return None, None
        await asyncio.sleep(0.1)


async def wait_new(start, timeout):
    """Everything the backend received after index start, waiting until
    something arrives (bounded), plus a short settle."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        entries = await received()
        if len(entries) > start:
            await asyncio.sleep(0.3)
            return (await received())[start:]
        if asyncio.get_running_loop().time() > deadline:
            return []
        await asyncio.sleep(0.1)


# --- end clients -------------------------------------------------------------

class Client:
    """A connection to the gateway and everything it has received."""

    def __init__(self, ws, name):
        self.ws = ws
        self.name = name
        self.queue = asyncio.Queue()
        self.ended = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self.read())

    @classmethod
    async def open(cls, path, name, **kwargs):
        ws = await connect(GATEWAY + path, open_timeout=5, close_timeout=2, **kwargs)
        return cls(ws, name)

    async def read(self):
        try:
            async for message in self.ws:
                self.queue.put_nowait(message)
        except ConnectionClosed:
            pass
        finally:
            self.ended.set()

    @property
    def close_code(self):
        frame = self.ws.protocol.close_rcvd
        return frame.code if frame else None

    async def next(self, timeout=ARRIVE):
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except asyncio.TimeoutError:
            raise Failure("%s received nothing within %gs%s" % (
                self.name, timeout, " (its connection ended, code %s)" % self.close_code if self.ended.is_set() else ""))

    def pending(self):
        out = []
        while not self.queue.empty():
            out.append(self.queue.get_nowait())
        return out

    async def send_json(self, value):
        text = json.dumps(value)
        await self.ws.send(text)
        return text

    async def close(self):
        try:
            await self.ws.close()
        except Exception:
            pass
        self.task.cancel()


def content(message):
    return message.encode() if isinstance(message, str) else bytes(message)


frame_kinds = set()


async def all_receive(clients, expected, timeout=ARRIVE):
    """Every client receives expected (text; a text or binary frame)."""
    got = await asyncio.gather(*(c.next(timeout) for c in clients), return_exceptions=True)
    missing = [c.name for c, m in zip(clients, got) if isinstance(m, Exception)]
    wrong = ["%s got %r" % (c.name, m) for c, m in zip(clients, got)
             if not isinstance(m, Exception) and content(m) != expected.encode()]
    frame_kinds.update(type(m).__name__ for m in got if not isinstance(m, Exception))
    expect(not missing, "%d of %d did not receive it: %s" % (len(missing), len(clients), ", ".join(missing[:10])))
    expect(not wrong, "; ".join(wrong[:5]))


async def none_receive(clients, quiet=QUIET):
    await asyncio.sleep(quiet)
    extra = ["%s got %r" % (c.name, p[:3]) for c in clients for p in [c.pending()] if p]
    expect(not extra, "should have received nothing: " + "; ".join(extra[:5]))


def drain(clients):
    for c in clients:
        c.pending()


def mux_clients():
    return [c for c in state.get("room_a", []) + state.get("room_b", []) if not c.ended.is_set()]


# --- multiplexing ------------------------------------------------------------

async def mux_connect():
    n = max(options.clients, 16)
    rooms = ["a" if i % 2 == 0 else "b" for i in range(n)]
    opened = await asyncio.gather(*(Client.open("/mux/%s" % room, "%s%d" % (room, i // 2))
                                    for i, room in enumerate(rooms)), return_exceptions=True)
    errors = [o for o in opened if isinstance(o, Exception)]
    good = [o for o in opened if not isinstance(o, Exception)]
    if errors:
        for c in good:
            await c.close()
        raise Failure("%d of %d could not connect, e.g. %r" % (len(errors), n, errors[0]))
    state["room_a"] = [c for c, r in zip(good, rooms) if r == "a"]
    state["room_b"] = [c for c, r in zip(good, rooms) if r == "b"]
    for c, room in zip(good, rooms):
        c.room = room


async def mux_one_backend_connection():
    needs("room_a")
    for _ in range(50):
        counts = await control("GET", "/connections")
        if counts["mux"]["open"] >= 1:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    counts = await control("GET", "/connections")
    expect(counts["mux"]["open"] == 1 and counts["mux"]["total"] == 1,
           "backend /mux connections: %s (want 1 open, 1 ever)" % counts["mux"])


async def mux_handshake():
    entries = await received()
    expect(entries, "the backend received nothing on /mux")
    expect(is_handshake(entries[0]), "first message was %r, not %s" % (entries[0], json.dumps(HANDSHAKE)))
    info("handshake as sent: %s" % entries[0])


async def mux_envelopes():
    needs("room_a")
    clients = mux_clients()
    run = secrets.token_hex(4)
    sent = {}
    for n in (1, 2):
        for i, c in enumerate(clients):
            text = json.dumps({"cmd": "hello", "run": run, "id": i, "n": n})
            sent[text] = c
            await c.ws.send(text)
    wanted = len(sent)
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        seen = {}
        for raw in await received():
            envelope, body = decode(raw)
            if body is not None and body.decode("utf-8", "replace") in sent:
                seen[body.decode()] = envelope
        if len(seen) == wanted or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.1)
    expect(len(seen) == wanted, "%d of %d client messages reached the backend as envelopes whose base64 body "
           "is the message" % (len(seen), wanted))
    uuids = {}
    for text, envelope in seen.items():
        c = sent[text]
        session = envelope.get("session")
        expect(envelope.get("url") == "/mux/" + c.room, "%s: url %r, want /mux/%s" % (c.name, envelope.get("url"), c.room))
        expect(isinstance(session, dict), "%s: no session object: %s" % (c.name, envelope))
        expect(session.get("Room") == c.room, "%s: session Room %r, want %r" % (c.name, session.get("Room"), c.room))
        value = session.get("uuid")
        expect(isinstance(value, str) and value, "%s: no session uuid: %s" % (c.name, envelope))
        uuids.setdefault(c.name, set()).add(value)
    per_client = {name: values for name, values in uuids.items()}
    expect(all(len(v) == 1 for v in per_client.values()),
           "a client's messages carried different uuids: %s" % {k: v for k, v in per_client.items() if len(v) > 1})
    flat = [next(iter(v)) for v in per_client.values()]
    expect(len(set(flat)) == len(flat), "two clients share a uuid")
    for value in flat:
        try:
            uuid.UUID(value)
        except ValueError:
            raise Failure("session uuid %r is not a UUID" % value)
    for c in clients:
        c.uuid = next(iter(per_client[c.name]))
    state["uuids"] = True
    info("an envelope as the backend received it: %s" % next(iter(seen.values())))


async def mux_echo_unicast():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    sender = state["room_a"][0]
    text = await sender.send_json({"cmd": "echo", "nonce": secrets.token_hex(8)})
    await all_receive([sender], text)
    await none_receive(clients)


async def mux_room_multicast():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    text = "to room a " + secrets.token_hex(6)
    await state["room_a"][1].send_json({"cmd": "room", "text": text})
    await all_receive([c for c in clients if c.room == "a"], text)
    await none_receive(clients)


async def mux_broadcast():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    text = "to everyone " + secrets.token_hex(6)
    await state["room_b"][0].send_json({"cmd": "all", "text": text})
    await all_receive(clients, text)
    await none_receive(clients)


async def mux_raw_broadcast():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    text = "plain text, not an envelope " + secrets.token_hex(6)
    answer = await control("POST", "/send", text.encode())
    expect(answer.get("sent") == 1, "the backend had %s open /mux connections to send on" % answer.get("sent"))
    await all_receive(clients, text)
    await none_receive(clients)


async def mux_unicast_by_uuid():
    needs("uuids")
    clients = mux_clients()
    drain(clients)
    target = state["room_b"][1]
    text = "only for %s %s" % (target.name, secrets.token_hex(6))
    await state["room_a"][2].send_json({"cmd": "filter", "session": {"uuid": target.uuid}, "text": text})
    await all_receive([target], text)
    await none_receive(clients)


async def mux_multicast_by_session_field():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    text = "for Room b " + secrets.token_hex(6)
    await state["room_a"][3].send_json({"cmd": "filter", "session": {"Room": "b"}, "text": text})
    await all_receive([c for c in clients if c.room == "b"], text)
    await none_receive(clients)


async def mux_under_limit():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    sender = state["room_a"][4]
    base = json.dumps({"cmd": "echo", "pad": ""})
    text = json.dumps({"cmd": "echo", "pad": "p" * (2000 - len(base))})
    expect(len(text) == 2000, len(text))
    await sender.ws.send(text)
    await all_receive([sender], text)
    await none_receive(clients)


async def mux_over_limit():
    needs("room_a")
    victim = state["room_a"][5]
    marker = "oversized-" + secrets.token_hex(6)
    # Random base64 text: above 4096 bytes even if permessage-deflate is in use.
    big = json.dumps({"cmd": "echo", "marker": marker, "pad": base64.b64encode(os.urandom(6000)).decode()})
    state["oversized_marker"] = marker
    await victim.ws.send(big)
    try:
        await asyncio.wait_for(victim.ended.wait(), 5)
    except asyncio.TimeoutError:
        raise Failure("a %d-byte message (max_message_size 4096) did not end the connection" % len(big))
    expect(victim.close_code == 1009, "closed with code %s (%s), want 1009" % (
        victim.close_code, victim.ws.protocol.close_rcvd.reason if victim.ws.protocol.close_rcvd else "no close frame"))


async def mux_over_limit_discarded():
    needs("oversized_marker")
    clients = mux_clients()
    drain(clients)
    sender = state["room_a"][6]
    text = await sender.send_json({"cmd": "echo", "after": "oversized"})
    await all_receive([sender], text)
    await none_receive(clients)
    marker = state["oversized_marker"]
    hits = [raw for raw in await received() if marker in raw or marker.encode() in (decode(raw)[1] or b"")]
    expect(not hits, "the oversized message reached the backend")


async def mux_events():
    needs("room_a")
    start = len(await received())
    c = await Client.open("/mux/a", "event-client")
    try:
        on_connect = await wait_new(start, 3)
        info("connect event (%d message(s)): %s" % (len(on_connect), " | ".join(on_connect)))
        await c.send_json({"cmd": "hello", "who": "event-client"})
        _, raw = await wait_received(lambda r: b"event-client" in (decode(r)[1] or b""), 3, start)
        own = (decode(raw)[0] or {}).get("session", {}).get("uuid") if raw else None
        start = len(await received())
    finally:
        await c.close()
    on_disconnect = await wait_new(start, 3)
    info("disconnect event (%d message(s)): %s" % (len(on_disconnect), " | ".join(on_disconnect)))
    if own:
        info("the events name the client's uuid: connect %s, disconnect %s" % (
            any(own in e for e in on_connect), any(own in e for e in on_disconnect)))
    expect(on_connect, "nothing reached the backend when a client connected")
    expect(on_disconnect, "nothing reached the backend when a client disconnected")


async def mux_inputs_info():
    c = await Client.open("/mux/a?token=tok-mux&other=zzz", "inputs-client",
                          additional_headers={"X-User": "mux-user", "X-Other": "nope"})
    try:
        await c.send_json({"cmd": "hello", "who": "inputs-client"})
        _, raw = await wait_received(lambda r: b"inputs-client" in (decode(r)[1] or b""), 3)
        info("envelope of a client with X-User and ?token=...&other=...: %s" % raw)
    finally:
        await c.close()


# --- direct communication ----------------------------------------------------

async def direct_echo():
    c = await Client.open("/direct", "direct", subprotocols=["chat.v1"])
    try:
        await c.ws.send("hello direct")
        got = await c.next()
        expect(got == "hello direct", "text echo came back as %r" % (got,))
        payload = bytes(range(256)) + b"\x00\xff"
        await c.ws.send(payload)
        got = await c.next()
        expect(got == payload, "binary echo came back as %r" % (got[:40],))
    finally:
        await c.close()


async def direct_compression():
    # websockets offers permessage-deflate unless told not to.
    c = await Client.open("/direct", "direct")
    plain = await Client.open("/direct", "plain", compression=None)
    try:
        names = [e.name for e in c.ws.protocol.extensions]
        expect(names == ["permessage-deflate"], "extensions negotiated: %r" % (names,))
        expect(plain.ws.protocol.extensions == [], "a client that offers nothing got %r" % (plain.ws.protocol.extensions,))
        text = "compress me " * 4000
        noise = os.urandom(60000)
        for client in (c, plain):
            await client.ws.send(text)
            got = await client.next()
            expect(got == text, "%s: a 48000-character text came back as %d characters" % (client.name, len(got)))
            await client.ws.send(noise)
            got = await client.next()
            expect(got == noise, "%s: 60000 random bytes came back as %d bytes" % (client.name, len(got)))
            await client.ws.send("short")
            expect(await client.next() == "short", "%s: a short message did not come back" % client.name)
    finally:
        await c.close()
        await plain.close()


async def direct_subprotocol(offer, want):
    c = await Client.open("/direct", "direct", subprotocols=offer)
    try:
        expect(c.ws.subprotocol == want, "offered %s, got %r, want %r" % (offer, c.ws.subprotocol, want))
    finally:
        await c.close()


async def direct_subprotocol_info():
    for offer in ([], ["chat.v9"]):
        try:
            c = await Client.open("/direct", "direct", subprotocols=offer or None)
            info("direct, offering %s: accepted, subprotocol %r" % (offer or "nothing", c.ws.subprotocol))
            await c.close()
        except Exception as error:
            info("direct, offering %s: %r" % (offer or "nothing", error))


async def echo_counts():
    return (await control("GET", "/connections"))["echo"]


async def direct_one_backend_each():
    before = await echo_counts()
    for _ in range(20):  # settled: the same twice in a row
        await asyncio.sleep(0.2)
        now = await echo_counts()
        if now == before:
            break
        before = now
    clients = []
    try:
        for i in range(3):
            c = await Client.open("/direct", "direct%d" % i, subprotocols=["chat.v1"])
            clients.append(c)
            await c.ws.send("ping %d" % i)
            expect(await c.next() == "ping %d" % i, "no echo")
        await asyncio.sleep(0.3)
        after = await echo_counts()
        expect(after["open"] - before["open"] == 3 and after["total"] - before["total"] == 3,
               "3 direct clients: backend /echo connections went from %s to %s" % (before, after))
        state["direct_baseline"] = before["open"]
    finally:
        for c in clients:
            await c.close()


async def direct_closes_backend():
    needs("direct_baseline")
    for _ in range(50):
        now = await echo_counts()
        if now["open"] <= state["direct_baseline"]:
            return
        await asyncio.sleep(0.1)
    raise Failure("5 s after its 3 clients left, the backend still has %d /echo connections open (was %d)"
                  % (now["open"], state["direct_baseline"]))


async def direct_inputs():
    user = "user-" + secrets.token_hex(4)
    token = "tok-" + secrets.token_hex(4)
    c = await Client.open("/direct?token=%s&other=zzz" % token, "direct-inputs", subprotocols=["chat.v1"],
                          additional_headers={"X-User": user, "X-Other": "nope"})
    try:
        await c.ws.send("inputs")
        await c.next()
    finally:
        await c.close()
    shakes = await control("GET", "/headers")
    mine = [s for s in shakes if any(k.lower() == "x-user" and v == user for k, v in s["headers"])]
    expect(mine, "no backend /echo handshake carried X-User: %s; the last one: %s" % (user, shakes[-1:] or "none"))
    shake = mine[0]
    info("a direct backend handshake: %s" % json.dumps(shake))
    names = {k.lower() for k, _ in shake["headers"]}
    query = urllib.parse.parse_qs(shake["query"])
    expect(shake["path"] == "/echo", "backend path %r" % shake["path"])
    expect(query.get("token") == [token], "query %r lacks token=%s" % (shake["query"], token))
    expect("other" not in query, "query %r passes `other`, not in input_query_strings" % shake["query"])
    expect("x-other" not in names, "X-Other reached the backend, not in input_headers")


# --- backend restart ---------------------------------------------------------

async def restart_outage():
    needs("room_a")
    clients = mux_clients()
    drain(clients)
    loop = asyncio.get_running_loop()
    state["restart_handshakes"] = sum(1 for e in await received() if is_handshake(e))
    state["restart_total"] = (await control("GET", "/connections"))["mux"]["total"]
    answer = await control("POST", "/restart?down_ms=1500")
    expect("down_ms" in answer, "the backend did not go down: %s" % answer)
    down_at = loop.time()
    await asyncio.sleep(0.2)
    queued = "queued-" + secrets.token_hex(6)
    state["queued"] = queued
    await state["room_a"][7].send_json({"cmd": "hello", "marker": queued})
    state["queued_sent"] = True
    # A new client while the backend is still down (it is back after 1.5 s).
    try:
        c = await asyncio.wait_for(Client.open("/mux/b", "outage-client"), 0.9)
        state["outage_client"] = c
        state["outage_connect"] = (True, (await control("GET", "/connections"))["listening"])
    except Exception as error:
        state["outage_connect"] = (False, error)
    await asyncio.sleep(max(0.0, 1.3 - (loop.time() - down_at)))
    down = (await control("GET", "/connections"))["listening"] is False
    gone = [c for c in clients if c.ended.is_set()]
    expect(not gone, "%d clients lost their gateway connection during the outage: %s (close codes %s)"
           % (len(gone), [c.name for c in gone][:5], [c.close_code for c in gone][:5]))
    expect(down, "the backend was back too soon for this check to mean anything")


async def restart_connect_during_outage():
    needs("outage_connect")
    accepted, detail = state["outage_connect"]
    expect(accepted, "a client connecting 0.2 s into the outage was not accepted within 0.9 s: %r" % (detail,))
    expect(detail is False, "the backend was already back when the client connected")


async def restart_queued_delivered():
    needs("queued_sent")
    queued = state["queued"]
    index, _ = await wait_received(lambda r: queued.encode() in (decode(r)[1] or b""), 12)
    expect(index is not None, "the message sent during the outage never reached the backend (12 s)")
    entries = await received()
    before = [i for i, e in enumerate(entries[:index]) if is_handshake(e)]
    expect(len(before) > state["restart_handshakes"],
           "the queued message reached the backend before a new handshake (or there was none)")


async def restart_reconnected():
    needs("queued_sent")
    for _ in range(100):
        counts = await control("GET", "/connections")
        if counts["mux"]["open"] >= 1:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    counts = await control("GET", "/connections")
    expect(counts["mux"]["open"] == 1, "backend /mux connections after the restart: %s (want 1 open)" % counts["mux"])
    info("backend /mux connections ever accepted, before the restart %d, after %d"
         % (state["restart_total"], counts["mux"]["total"]))


async def restart_round_trip():
    needs("queued_sent")
    clients = mux_clients() + ([state["outage_client"]] if "outage_client" in state else [])
    drain(clients)
    sender = state["room_b"][2]
    text = await sender.send_json({"cmd": "echo", "nonce": secrets.token_hex(8)})
    await all_receive([sender], text, timeout=5)
    text = "to everyone after the restart " + secrets.token_hex(4)
    await sender.send_json({"cmd": "all", "text": text})
    await all_receive([c for c in clients if not c.ended.is_set()], text, timeout=5)
    await none_receive(clients)


async def main():
    await check("mux: %d clients connect to /mux/a and /mux/b" % max(options.clients, 16), mux_connect, 30)
    await check("mux: one backend /mux connection serves them all", mux_one_backend_connection)
    await check("mux: the backend's first message is the handshake", mux_handshake)
    await check("mux: envelopes carry the url, a per-client uuid, Room and the base64 body", mux_envelopes)
    await check("mux: an echo (unicast by uuid) reaches only its sender", mux_echo_unicast)
    await check("mux: multicast by url reaches exactly room a", mux_room_multicast)
    await check("mux: a broadcast reaches every client", mux_broadcast)
    await check("mux: a backend message that is not an envelope is broadcast as-is", mux_raw_broadcast)
    await check("mux: unicast by session uuid reaches only that client", mux_unicast_by_uuid)
    await check("mux: multicast by a session field (Room: b) reaches exactly room b", mux_multicast_by_session_field)
    await check("mux: a 2000-byte message (under max_message_size) goes through", mux_under_limit)
    await check("mux: a message over max_message_size closes that client with 1009", mux_over_limit)
    await check("mux: the oversized message is discarded and the others keep working", mux_over_limit_discarded)
    await check("mux: connect and disconnect events reach the backend", mux_events)
    await informational("inputs of a mux client", mux_inputs_info)
    if frame_kinds:
        info("mux clients received frames of kind(s): %s" % ", ".join(sorted(frame_kinds)))

    await check("direct: one backend /echo connection per client", direct_one_backend_each)
    await check("direct: a client leaving closes its backend connection", direct_closes_backend)
    await check("direct: text and binary messages are echoed unchanged", direct_echo)
    await check("direct: permessage-deflate is negotiated and large messages come back whole, with or without it",
                direct_compression)
    await check("direct: offering chat.v1 selects chat.v1", lambda: direct_subprotocol(["chat.v1"], "chat.v1"))
    await check("direct: offering chat.v1, chat.v2 selects chat.v2 (the gateway's order)",
                lambda: direct_subprotocol(["chat.v1", "chat.v2"], "chat.v2"))
    await informational("direct subprotocols", direct_subprotocol_info)
    await check("direct: X-User and ?token reach the backend, other headers and query strings do not", direct_inputs)

    await check("restart: mux clients stay connected while the backend is down", restart_outage)
    await check("restart: a client can connect to the gateway while the backend is down",
                restart_connect_during_outage)
    await check("restart: a message sent during the outage reaches the backend after the new handshake",
                restart_queued_delivered, 15)
    await check("restart: the gateway reconnects with one backend connection", restart_reconnected)
    await check("restart: echo and broadcast work after the reconnection", restart_round_trip)

    for c in mux_clients() + ([state["outage_client"]] if "outage_client" in state else []):
        await c.close()
    print("%d passed, %d failed" % (results["passed"], results["failed"]), flush=True)
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
