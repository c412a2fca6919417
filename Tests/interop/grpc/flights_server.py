"""The manual's flight finder as a real gRPC service (grpcio), built from the
descriptor set the gateway ships (catalogs/flights/flights.pb), so neither
side needs generated code.

Prints its port on the first line of stdout, then serves until stdin closes
(or Ctrl-C). `flights_server.py PORT` listens on PORT. GET-like inspection:
the method `/flight_finder.Flights/BookFlight` fails with the gRPC status
named by the request metadata `x-fail` (e.g. NOT_FOUND) and message
`x-message` (`x-extra` answers a Booking with a field the catalog does not
declare); every request FindFlight receives is returned in the answer's
`next_cursor` as JSON (fields by their proto names), with the metadata it
came with, so a test sees exactly what arrived.
"""
import json
import os
import sys
from concurrent import futures

import grpc
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, json_format, message_factory

ROOT = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(ROOT, "..", "..", "..", "catalogs", "flights", "flights.pb")

pool = descriptor_pool.DescriptorPool()
files = descriptor_pb2.FileDescriptorSet()
with open(CATALOG, "rb") as f:
    files.ParseFromString(f.read())
for proto in files.file:
    pool.Add(proto)

Request = message_factory.GetMessageClass(pool.FindMessageTypeByName("flight_finder.FlightFinderRequest"))
Response = message_factory.GetMessageClass(pool.FindMessageTypeByName("flight_finder.FlightFinderResponse"))
Money = message_factory.GetMessageClass(pool.FindMessageTypeByName("flight_finder.Money"))


def find_flight(raw, context):
    request = Request.FromString(raw)
    seen = {
        "request": json_format.MessageToDict(request, preserving_proto_field_name=True),
        "metadata": {k: v for k, v in context.invocation_metadata() if not k.startswith("grpc-") and k not in ("user-agent",)},
    }
    response = Response()
    response.next_cursor = json.dumps(seen, sort_keys=True)
    response.total_results = 2
    response.searched_at.FromJsonString("2023-07-09T10:00:00Z")
    flight = response.flights.add()
    flight.id = "IB3166"
    flight.cabin = 3
    flight.seats_left = 4
    flight.total_duration.FromJsonString("7200s")
    flight.fare_code = "Y"
    segment = flight.segments.add()
    segment.flight_number = "IB3166"
    segment.origin.iata = "BCN"
    segment.destination.iata = "LHR"
    context.set_trailing_metadata((("x-served-by", "flights"),))
    return response.SerializeToString()


def varint(n):
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def status_details(code, message):
    """A google.rpc.Status with one Any detail (a flight_finder.Money),
    written by hand: the status proto is not part of the protobuf package."""
    detail = any_pb2.Any()
    detail.Pack(Money(currency="EUR", units=42))
    text = message.encode()
    any_bytes = detail.SerializeToString()
    return (b"\x08" + varint(code) + b"\x12" + varint(len(text)) + text
            + b"\x1a" + varint(len(any_bytes)) + any_bytes)


def book_flight(raw, context):
    metadata = dict(context.invocation_metadata())
    code = getattr(grpc.StatusCode, metadata.get("x-fail", "OK"))
    if code != grpc.StatusCode.OK:
        message = metadata.get("x-message", "failed")
        if metadata.get("x-details"):
            context.set_trailing_metadata((("grpc-status-details-bin", status_details(code.value[0], message)),))
        context.abort(code, message)
    if metadata.get("x-garbage"):
        return b"\x0a\xff\xff\xff\xff\x0f"  # a length beyond the message
    if metadata.get("x-extra"):
        # locator "AB" and field 111 (varint 1), which Booking does not declare.
        return b"\x0a\x02AB\xf8\x06\x01"
    return b""


def identity(b):
    return b


handlers = grpc.method_handlers_generic_handler("flight_finder.Flights", {
    "FindFlight": grpc.unary_unary_rpc_method_handler(find_flight, request_deserializer=identity, response_serializer=identity),
    "BookFlight": grpc.unary_unary_rpc_method_handler(book_flight, request_deserializer=identity, response_serializer=identity),
})


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((handlers,))
    bound = server.add_insecure_port("127.0.0.1:%d" % port)
    server.start()
    print(bound, flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.stop(0)


if __name__ == "__main__":
    main()
