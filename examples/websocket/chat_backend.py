"""A tiny chat backend for the gateway's multiplexed WebSockets
(examples/websocket/krakend.json), with the Python `websockets` package.

    python3 examples/websocket/chat_backend.py [PORT]      # default 8081

/chat  speaks KrakenD's envelope: answers the gateway's handshake with `OK`,
       then relays every client message to the sender's room (the endpoint
       url, e.g. /chat/lobby) as "<first 8 chars of uuid>: <text>".
       Connect/disconnect events are printed, not relayed.
/echo  a plain echo, for the direct-communication endpoint.

Try it: run this, run the gateway with examples/websocket/krakend.json, then
in two terminals `python3 -m websockets ws://localhost:8080/chat/lobby`.
"""
import asyncio
import base64
import binascii
import json
import sys

from websockets.asyncio.server import serve


def envelope(url, text):
    return json.dumps({"url": url, "body": base64.b64encode(text.encode()).decode()})


async def chat(ws):
    try:
        handshake = json.loads(await ws.recv())
    except ValueError:
        handshake = None
    if handshake != {"msg": "KrakenD WS proxy starting"}:
        print("not a KrakenD gateway, closing")
        return
    await ws.send("OK")
    print("gateway connected")
    async for message in ws:
        try:
            incoming = json.loads(message)
            text = base64.b64decode(incoming.get("body") or "", validate=True).decode()
            who = incoming["session"]["uuid"][:8]
            url = incoming["url"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            text = ""
        if not text:  # an event (or something else without a message)
            print("event:", message)
            continue
        print("%s %s: %s" % (url, who, text))
        await ws.send(envelope(url, "%s: %s" % (who, text)))


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def handler(ws):
    await (chat(ws) if ws.request.path.startswith("/chat") else echo(ws))


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081
    async with serve(handler, "127.0.0.1", port) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
