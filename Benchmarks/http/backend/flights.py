"""Writes the benchmark's gRPC stand-in answer (findflight.grpc: a
length-prefixed FlightFinderResponse) and the same data as JSON
(flights.json, as the gateway renders the gRPC answer), from the catalog.

Usage: flights.py CATALOG.pb OUT_DIR
"""
import json
import os
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

catalog, out = sys.argv[1], sys.argv[2]
files = descriptor_pb2.FileDescriptorSet()
files.ParseFromString(open(catalog, "rb").read())
pool = descriptor_pool.DescriptorPool()
for proto in files.file:
    pool.Add(proto)
Response = message_factory.GetMessageClass(pool.FindMessageTypeByName("flight_finder.FlightFinderResponse"))

response = Response()
response.total_results = 3
response.next_cursor = "c2VjcmV0LWN1cnNvcg"
response.searched_at.FromJsonString("2023-07-09T10:00:00Z")
for i, (origin, destination) in enumerate([("BCN", "LHR"), ("LHR", "JFK"), ("MAD", "CDG")]):
    flight = response.flights.add()
    flight.id = "FL%03d" % i
    flight.cabin = 1 + i
    flight.seats_left = 10 - i
    flight.price.currency = "EUR"
    flight.price.units = 120 + 30 * i
    flight.amenities.extend(["wifi", "meal"])
    flight.total_duration.FromJsonString("%ds" % (7200 + 600 * i))
    flight.baggage_allowance["cabin"] = 1
    flight.fare_code = "Y"
    segment = flight.segments.add()
    segment.flight_number = "FL%03d" % i
    segment.carrier = "KK"
    segment.origin.iata = origin
    segment.destination.iata = destination
    segment.departure_time.FromJsonString("2023-07-09T1%d:00:00Z" % i)
    for code in (origin, destination):
        airport = response.airports[code]
        airport.iata = code
        airport.name = code + " International"
message = response.SerializeToString()
open(os.path.join(out, "findflight.grpc"), "wb").write(b"\0" + struct.pack(">I", len(message)) + message)
data = json_format.MessageToDict(response, preserving_proto_field_name=True)
open(os.path.join(out, "flights.json"), "w").write(json.dumps(data, separators=(",", ":")))
