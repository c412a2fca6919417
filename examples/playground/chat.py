"""Three chat clients on the playground's multiplexed WebSocket endpoint:
alice and bob in /chat/lobby, carol in /chat/kitchen. Alice says hello; the
chat backend (one connection from the gateway for everybody) relays it to
her room as "<first 8 characters of her session uuid>: <text>".

    python3 examples/playground/chat.py [ws://localhost:8080]

Needs the Python `websockets` package (`pip install websockets`).
"""
import asyncio
import sys

from websockets.asyncio.client import connect


async def heard(name, ws):
    try:
        return "%-5s <- %s" % (name, await asyncio.wait_for(ws.recv(), 2))
    except asyncio.TimeoutError:
        return "%-5s <- nothing (another room)" % name


async def main(base):
    async with connect(base + "/chat/lobby") as alice, connect(base + "/chat/lobby") as bob, \
            connect(base + "/chat/kitchen") as carol:
        await alice.send("hello, lobby")
        for line in await asyncio.gather(heard("alice", alice), heard("bob", bob), heard("carol", carol)):
            print(line)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "ws://localhost:8080"))
