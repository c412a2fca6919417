"""An independent check of the gateway's gRPC server, with grpcio as the
client: what a gRPC user sees on the gateway's REST port.

    gateway_suite.py --target HOST:PORT --rest URL [--ca CERT.pem]

The gateway must serve the configuration GRPCServerInteropTests builds:
`flight_finder.Flights` with FindFlight from a grpcio flight finder
(use_request_body) and an HTTP JSON service (airports), and BookFlight from
the flight finder alone. The message types come from server reflection,
never from .proto files or generated code. Prints one line per check and
exits non-zero if any failed.
"""
import argparse
import concurrent.futures
import json
import ssl
import sys
import traceback
import urllib.request

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

args = argparse.ArgumentParser()
args.add_argument("--target", required=True)
args.add_argument("--rest", required=True)
args.add_argument("--ca")
options = args.parse_args()

if options.ca:
    with open(options.ca, "rb") as f:
        channel = grpc.secure_channel(options.target, grpc.ssl_channel_credentials(root_certificates=f.read()))
    rest_context = ssl.create_default_context(cafile=options.ca)
else:
    channel = grpc.insecure_channel(options.target)
    rest_context = None

failures = []


def check(name):
    def run(test):
        try:
            test()
            print("ok   " + name, flush=True)
        except Exception:
            failures.append(name)
            print("FAIL " + name + "\n" + traceback.format_exc(), flush=True)
        return test
    return run


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


# The services and their types, through reflection v1alpha (grpcio's own client).
database = ProtoReflectionDescriptorDatabase(channel)
pool = descriptor_pool.DescriptorPool(database)
services = set()


def message_class(name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))


def unary(path, response_type):
    return channel.unary_unary(path, request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=message_class(response_type).FromString)


@check("reflection v1alpha lists the served services and resolves them with their imports")
def reflection_v1alpha():
    services.update(database.get_services())
    for name in ["flight_finder.Flights", "grpc.health.v1.Health",
                 "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]:
        expect(name in services, "%s not in %s" % (name, sorted(services)))
    flights = pool.FindServiceByName("flight_finder.Flights")
    expect([m.name for m in flights.methods] == ["FindFlight", "BookFlight"], flights.methods)
    # A type from an imported file (google/protobuf/timestamp.proto) resolves too.
    segment = pool.FindMessageTypeByName("flight_finder.Flight.Segment")
    expect(segment.fields_by_name["departure_time"].message_type.full_name == "google.protobuf.Timestamp", "timestamp")
    health = pool.FindServiceByName("grpc.health.v1.Health")
    expect(sorted(m.name for m in health.methods) == ["Check", "Watch"], health.methods)


def reflect_v1(requests):
    """Requests on one v1 stream (the messages are v1alpha's, the same on the wire)."""
    call = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                 request_serializer=lambda m: m.SerializeToString(),
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    return list(call(iter(requests), timeout=10))


@check("reflection v1 answers every kind of request, one stream, in order")
def reflection_v1():
    R = reflection_pb2.ServerReflectionRequest
    answers = reflect_v1([
        R(list_services=""),
        R(file_containing_symbol="flight_finder.Flights.FindFlight"),
        R(file_by_filename="google/protobuf/duration.proto"),
        R(file_containing_symbol="no.such.Symbol"),
        R(all_extension_numbers_of_type="flight_finder.Flight"),
        R(file_containing_extension=reflection_pb2.ExtensionRequest(containing_type="flight_finder.Flight", extension_number=99)),
    ])
    expect(len(answers) == 6, answers)
    listed = {s.name for s in answers[0].list_services_response.service}
    expect(listed == services, "%s != %s" % (listed, services))
    files = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in answers[1].file_descriptor_response.file_descriptor_proto]
    names = [f.name for f in files]
    expect(names[0] == "flights.proto" and "google/protobuf/timestamp.proto" in names, names)
    # duration.proto was sent as a dependency on this stream already, but asked by name it comes again.
    again = [descriptor_pb2.FileDescriptorProto.FromString(b).name for b in answers[2].file_descriptor_response.file_descriptor_proto]
    expect(again == ["google/protobuf/duration.proto"], again)
    expect(answers[2].original_request.file_by_filename == "google/protobuf/duration.proto", answers[2].original_request)
    expect(answers[3].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], answers[3])
    expect(answers[4].all_extension_numbers_response.base_type_name == "flight_finder.Flight", answers[4])
    expect(list(answers[4].all_extension_numbers_response.extension_number) == [], answers[4])
    expect(answers[5].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], answers[5])


def find_request():
    request = message_class("flight_finder.FlightFinderRequest")(destination="LHR", passengers=2)
    request.page.cursor = "c1"
    request.when.departure = "2023-07-09"
    request.cabins.append(3)
    return request


@check("FindFlight merges a gRPC backend and an HTTP backend into the response message")
def find_flight():
    find = unary("/flight_finder.Flights/FindFlight", "flight_finder.FlightFinderResponse")
    response, call = find.with_call(find_request(), metadata=(("x-tenant", "acme"), ("x-not-allowed", "1")), timeout=10)
    expect(response.flights[0].id == "IB3166", response)
    expect(response.flights[0].segments[0].origin.iata == "BCN", response)
    expect(response.total_results == 2, response)
    expect(response.airports["BCN"].name == "El Prat", response.airports)
    seen = json.loads(response.next_cursor)
    expect(seen["request"]["destination"] == "LHR" and seen["request"]["page"] == {"cursor": "c1"}, seen)
    expect(seen["request"]["cabins"] == ["BUSINESS"], seen)
    # An unset `optional` field (max_stops) is still unset when it reaches the service.
    expect("max_stops" not in seen["request"], seen["request"])
    expect(seen["metadata"].get("x-tenant") == "acme" and "x-not-allowed" not in seen["metadata"], seen["metadata"])
    expect(dict(call.initial_metadata()).get("x-krakend-completed") == "true", call.initial_metadata())


@check("gzip both ways")
def gzip():
    find = unary("/flight_finder.Flights/FindFlight", "flight_finder.FlightFinderResponse")
    response = find(find_request(), timeout=10, compression=grpc.Compression.Gzip)
    expect(response.flights[0].id == "IB3166", response)


@check("a gRPC backend's status, message and details pass through")
def book_flight_status():
    book = unary("/flight_finder.Flights/BookFlight", "flight_finder.Booking")
    try:
        book(message_class("flight_finder.BookingRequest")(flight_id="X"), timeout=10,
             metadata=(("x-fail", "NOT_FOUND"), ("x-message", "no such flight"), ("x-details", "1")))
        raise AssertionError("the call succeeded")
    except grpc.RpcError as error:
        expect(error.code() == grpc.StatusCode.NOT_FOUND, error)
        expect(error.details() == "no such flight", error.details())
        trailers = dict(error.trailing_metadata())
        expect(b"no such flight" in trailers.get("grpc-status-details-bin", b""), trailers)


@check("health: Check and Watch report SERVING")
def health():
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ["", "flight_finder.Flights"]:
        status = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status
        expect(status == health_pb2.HealthCheckResponse.SERVING, (service, status))
    try:
        stub.Check(health_pb2.HealthCheckRequest(service="nope.Service"), timeout=10)
        raise AssertionError("an unknown service was healthy")
    except grpc.RpcError as error:
        expect(error.code() == grpc.StatusCode.NOT_FOUND, error)
    watch = stub.Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
    expect(next(watch).status == health_pb2.HealthCheckResponse.SERVING, "watch")
    watch.cancel()


@check("bad calls: unknown method, malformed and oversize messages")
def bad_calls():
    raw = lambda path: channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    cases = [
        ("/flight_finder.Flights/Nope", b"", grpc.StatusCode.UNIMPLEMENTED),
        ("/nope.Service/Call", b"", grpc.StatusCode.UNIMPLEMENTED),
        ("/flight_finder.Flights/FindFlight", b"\x0a\xff\xff", grpc.StatusCode.INVALID_ARGUMENT),
        ("/flight_finder.Flights/FindFlight", b"\x12" + b"\x80\x80\x80\x03" + b"x" * (6 << 20), grpc.StatusCode.RESOURCE_EXHAUSTED),
    ]
    for path, body, code in cases:
        try:
            raw(path)(body, timeout=10)
            raise AssertionError("%s succeeded" % path)
        except grpc.RpcError as error:
            expect(error.code() == code, "%s: %s %s" % (path, error.code(), error.details()))


@check("REST and gRPC on the same port at the same time")
def same_port():
    find = unary("/flight_finder.Flights/FindFlight", "flight_finder.FlightFinderResponse")

    def rest():
        with urllib.request.urlopen(options.rest + "/rest", timeout=10, context=rest_context) as answer:
            return answer.status, json.load(answer)

    with concurrent.futures.ThreadPoolExecutor(8) as pool_:
        grpc_calls = [pool_.submit(find, find_request(), timeout=10) for _ in range(40)]
        rest_calls = [pool_.submit(rest) for _ in range(20)]
        for call in grpc_calls:
            expect(call.result().flights[0].id == "IB3166", "grpc")
        for call in rest_calls:
            expect(call.result() == (200, {"rest": True}), call.result())


channel.close()
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
