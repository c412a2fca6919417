"""Calls a gRPC method of a server that has reflection (the gateway does),
with the request as JSON, and prints the answer as JSON: no .proto files.

    python3 examples/grpc/grpc_call.py [--tls-ca CERT] HOST:PORT list
    python3 examples/grpc/grpc_call.py [--tls-ca CERT] HOST:PORT package.Service/Method '{"json": "request"}' [-H name:value]

Needs grpcio and grpcio-reflection (bash Tests/interop/setup.sh installs them).
"""
import argparse
import sys

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

parser = argparse.ArgumentParser()
parser.add_argument("target")
parser.add_argument("method", help="package.Service/Method, or `list`")
parser.add_argument("request", nargs="?", default="{}")
parser.add_argument("-H", dest="headers", action="append", default=[], help="metadata, name:value")
parser.add_argument("--tls-ca", help="a PEM file to trust: call over TLS")
args = parser.parse_args()

if args.tls_ca:
    with open(args.tls_ca, "rb") as f:
        channel = grpc.secure_channel(args.target, grpc.ssl_channel_credentials(root_certificates=f.read()))
else:
    channel = grpc.insecure_channel(args.target)
database = ProtoReflectionDescriptorDatabase(channel)
if args.method == "list":
    print("\n".join(sorted(database.get_services())))
    sys.exit(0)

pool = descriptor_pool.DescriptorPool(database)
service_name, _, method_name = args.method.partition("/")
method = pool.FindServiceByName(service_name).methods_by_name[method_name]
Request = message_factory.GetMessageClass(method.input_type)
Response = message_factory.GetMessageClass(method.output_type)
call = channel.unary_unary("/%s/%s" % (service_name, method_name),
                           request_serializer=lambda m: m.SerializeToString(), response_deserializer=Response.FromString)
metadata = [tuple(h.split(":", 1)) for h in args.headers]
try:
    answer = call(json_format.Parse(args.request, Request()), metadata=[(k.strip().lower(), v.strip()) for k, v in metadata], timeout=10)
except grpc.RpcError as error:
    print("ERROR %s: %s" % (error.code().name, error.details()), file=sys.stderr)
    sys.exit(1)
print(json_format.MessageToJson(answer, preserving_proto_field_name=True, indent=2))
