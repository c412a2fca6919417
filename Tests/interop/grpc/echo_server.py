"""gRPC peer for the GatewayGRPC client tests.

A grpcio server with a generic handler (bytes in, bytes out), so that no
generated code or .proto is needed. Prints the plaintext port (and the TLS
port, when --cert/--key are given) on the first stdout line, then serves
until stdin closes.
"""
import argparse
import base64
import sys
import threading
import time

import grpc
from concurrent import futures

peers = set()
peers_lock = threading.Lock()


def note_peer(context):
    with peers_lock:
        peers.add(context.peer())


def metadata(context):
    return {k: v for k, v in context.invocation_metadata()}


def echo(request, context):
    note_peer(context)
    md = metadata(context)
    if md.get("x-compress") == "1":
        context.set_compression(grpc.Compression.Gzip)
    initial = [(k, v) for k, v in context.invocation_metadata()
               if k.startswith("x-") and k != "x-trailer"]
    context.send_initial_metadata(initial)
    if "x-trailer" in md:
        context.set_trailing_metadata([("x-trailer", md["x-trailer"])])
    return request


def fail(request, context):
    note_peer(context)
    md = metadata(context)
    code = int(md.get("x-code", "2"))
    status = next(c for c in grpc.StatusCode if c.value[0] == code)
    trailing = []
    if "x-details" in md:
        # x-details is base64 text (metadata values are text); the server
        # sends the bytes, which grpcio base64-encodes on the wire itself.
        trailing.append(("grpc-status-details-bin", base64.b64decode(md["x-details"])))
    if trailing:
        context.set_trailing_metadata(trailing)
    context.set_code(status)
    context.set_details(md.get("x-message", ""))
    return b""


def slow(request, context):
    note_peer(context)
    time.sleep(int(metadata(context).get("x-sleep-ms", "0")) / 1000.0)
    return request


def big(request, context):
    note_peer(context)
    return b"b" * int(metadata(context).get("x-size", "0"))


def peer_count(request, context):
    with peers_lock:
        return str(len(peers)).encode()


def identity(b):
    return b


def handler(fn):
    return grpc.unary_unary_rpc_method_handler(
        fn, request_deserializer=identity, response_serializer=identity)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64),
                         options=[("grpc.max_send_message_length", 64 << 20)])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Echo", {
        "Echo": handler(echo),
        "Fail": handler(fail),
        "Slow": handler(slow),
        "Big": handler(big),
        "Peers": handler(peer_count),
    }),))
    ports = [server.add_insecure_port("127.0.0.1:%d" % args.port)]
    if args.cert and args.key:
        with open(args.cert, "rb") as f:
            cert = f.read()
        with open(args.key, "rb") as f:
            key = f.read()
        creds = grpc.ssl_server_credentials([(key, cert)])
        ports.append(server.add_secure_port("127.0.0.1:0", creds))
    server.start()
    print(" ".join(str(p) for p in ports), flush=True)
    sys.stdin.read()  # until the test closes our stdin (or dies)
    server.stop(0)


if __name__ == "__main__":
    main()
