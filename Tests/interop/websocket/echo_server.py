"""Known-good WebSocket echo server (Python `websockets`) for interop tests.

    python3 echo_server.py [PORT] [--subprotocols a,b] [--compression] [--tls CERT KEY]

Binds 127.0.0.1 (PORT 0 or omitted = ephemeral), prints the bound port as the
first line of stdout, then echoes every text/binary message back unchanged on
any path. With --subprotocols, the first subprotocol the client offers that is
in the list is selected; a client offering none of them is still accepted
(without a subprotocol). permessage-deflate is off unless --compression is
given. With --tls it serves wss:// with that PEM certificate and key. Keepalive pings are disabled so they never show up in Autobahn event
traces. Serves until its stdin reaches EOF, so a parent that holds the stdin
pipe controls its lifetime (started with stdin=/dev/null it exits at once).
"""

import argparse
import asyncio
import ssl
import sys

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

MAX_SIZE = 32 * 2**20  # Autobahn 9.x sends messages up to 16 MiB


async def echo(ws):
    try:
        async for message in ws:  # str for text, bytes for binary
            await ws.send(message)
    except ConnectionClosed:
        pass


def subprotocol_selector(allowed):
    def select(connection, offered):
        return next((p for p in offered if p in allowed), None)

    return select


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--subprotocols", default="", help="comma-separated list")
    parser.add_argument("--compression", action="store_true", help="enable permessage-deflate")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve wss:// with this PEM certificate and key")
    args = parser.parse_args()
    allowed = [p for p in args.subprotocols.split(",") if p]
    tls = None
    if args.tls:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(*args.tls)

    async with serve(
        echo,
        "127.0.0.1",
        args.port,
        select_subprotocol=subprotocol_selector(allowed) if allowed else None,
        compression="deflate" if args.compression else None,
        max_size=MAX_SIZE,
        max_queue=None,
        ping_interval=None,
        close_timeout=5,
        ssl=tls,
    ) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        # Block until stdin hits EOF (read in a worker thread), then exit.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)


if __name__ == "__main__":
    asyncio.run(main())
