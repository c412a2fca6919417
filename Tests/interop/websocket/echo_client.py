"""A Python `websockets` client that checks a WebSocket echo (through the
gateway): text, binary and a large compressible message come back unchanged.

    python3 echo_client.py --url ws[s]://HOST:PORT/PATH [--ca CERT.pem] [--expect-close CODE]

With --ca, wss:// certificates are checked against that PEM file only. With
--expect-close, the check is instead that the server closes the connection
with CODE within 15 s. Prints what it saw; exits 0 only if the check held.
"""
import argparse
import asyncio
import ssl
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", help="PEM file of the only trusted certificate")
    parser.add_argument("--expect-close", type=int, help="close code the server must send")
    args = parser.parse_args()
    tls = None
    if args.url.startswith("wss://"):
        tls = ssl.create_default_context(cafile=args.ca) if args.ca else ssl.create_default_context()
    async with connect(args.url, ssl=tls, open_timeout=10, close_timeout=5, max_size=None) as ws:
        if args.expect_close is not None:
            try:
                await asyncio.wait_for(ws.recv(), 15)
                print("a message came instead of a close")
                return 1
            except ConnectionClosed:
                code = ws.close_code
                print("closed with %s" % code)
                return 0 if code == args.expect_close else 1
        for message in ["hello", bytes(range(256)), "large " * 50000]:
            await ws.send(message)
            echo = await asyncio.wait_for(ws.recv(), 10)
            if echo != message:
                print("sent %d %s, got %r" % (len(message), type(message).__name__, echo[:60]))
                return 1
        print("echoes ok")
        return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
