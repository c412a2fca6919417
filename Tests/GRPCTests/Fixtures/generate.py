#!/usr/bin/env python3
"""Regenerates the golden fixtures (not needed to run the tests).

Needs protoc (apt-get install protobuf-compiler) and python protobuf +
grpcio-tools (pip install protobuf grpcio-tools). Run from this directory:

    python3 generate.py

- codec_test.pb / flights.pb: descriptor sets (protoc --include_imports).
- cases/NAME.bin: `protoc --encode=TYPE` of cases/NAME.txtpb (canonical bytes).
- cases/maps_multi.bin, merge_*.bin, repeated_packed_mix.bin: made with
  python protobuf, for what text format cannot express (multi-entry maps,
  non-canonical wire layouts).
- well-known/*.pb: copies of catalogs/well-known (protoc --include_imports).
- catalog/: descriptor sets for the catalog tests (conflicts, a missing
  import, a directory tree) and files that are not descriptor sets.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGS = os.path.join(HERE, "..", "..", "..", "catalogs")
INCLUDE = "/usr/include"

CASES = {
    "scalars_full": "codec.test.Scalars",
    "scalars_floats": "codec.test.Scalars",
    "scalars_special": "codec.test.Scalars",
    "repeated": "codec.test.Repeateds",
    "nested_deep": "codec.test.Nested",
    "maps_single": "codec.test.Maps",
    "choice_text": "codec.test.Choice",
    "choice_nested": "codec.test.Choice",
    "choice_zero": "codec.test.Choice",
    "optionals_set_zero": "codec.test.Optionals",
    "wellknown": "codec.test.WellKnown",
    "defaults_minimal": "codec.legacy.Defaults",
    "defaults_full": "codec.legacy.Defaults",
    "wide": "codec.legacy.Wide",
}


def run(args, **kw):
    return subprocess.run(args, check=True, **kw)


def main():
    os.chdir(HERE)
    run(["protoc", "-Iprotos", "-I" + INCLUDE, "--include_imports",
         "--descriptor_set_out=codec_test.pb", "protos/codec_test.proto", "protos/codec_legacy.proto"])
    flights_dir = os.path.join(CATALOGS, "flights")
    run(["protoc", "-I" + flights_dir, "-I" + INCLUDE, "--include_imports",
         "--descriptor_set_out=" + os.path.join(flights_dir, "flights.pb"), "flights.proto"])
    shutil.copy(os.path.join(flights_dir, "flights.pb"), "flights.pb")
    shutil.copy(os.path.join(flights_dir, "flights.proto"), os.path.join("protos", "flights.proto"))
    for name in ["timestamp", "duration", "wrappers", "struct", "empty", "field_mask", "any"]:
        out = os.path.join(CATALOGS, "well-known", name + ".pb")
        run(["protoc", "-I" + INCLUDE, "--include_imports", "--descriptor_set_out=" + out,
             "google/protobuf/%s.proto" % name])
        os.makedirs("well-known", exist_ok=True)
        shutil.copy(out, os.path.join("well-known", name + ".pb"))

    for name, msg in CASES.items():
        with open(os.path.join("cases", name + ".txtpb"), "rb") as src, \
                open(os.path.join("cases", name + ".bin"), "wb") as dst:
            run(["protoc", "-Iprotos", "-I" + INCLUDE, "--encode=" + msg,
                 "protos/codec_test.proto", "protos/codec_legacy.proto"], stdin=src, stdout=dst)
    with open(os.path.join("cases", "flights_response.txtpb"), "rb") as src, \
            open(os.path.join("cases", "flights_response.bin"), "wb") as dst:
        run(["protoc", "-Iprotos", "-I" + INCLUDE, "--encode=flight_finder.FlightFinderResponse",
             "protos/flights.proto"], stdin=src, stdout=dst)

    # python protobuf for what text format cannot say.
    tmp = tempfile.mkdtemp()
    run([sys.executable, "-m", "grpc_tools.protoc", "-Iprotos", "--python_out=" + tmp,
         "protos/codec_test.proto"])
    sys.path.insert(0, tmp)
    import codec_test_pb2 as pb

    m = pb.Maps()
    for k, v in [("b", 2), ("a", 1), ("c", 3), ("", 0)]:
        m.str_int[k] = v
    for k in [10, -3, 2]:
        m.int_str[k] = "v%d" % k
    m.bool_enum[False] = pb.RED
    m.bool_enum[True] = pb.BLUE
    m.str_nested["x"].name = "X"
    m.str_nested["y"].level = 2
    write("maps_multi", m.SerializeToString(deterministic=True))

    # A singular message field sent twice: the two occurrences merge.
    a = pb.Nested(name="first", child=pb.Nested(name="c", level=1)).SerializeToString()
    b = pb.Nested(level=7, child=pb.Nested(children=[pb.Nested(name="k")])).SerializeToString()
    write("merge_twice", a + b)
    merged = pb.Nested()
    merged.MergeFromString(a + b)
    write("merge_expected", merged.SerializeToString())

    # proto3 repeated scalars sent unpacked (as a proto2 sender would).
    r = pb.Repeateds()
    r.r_int32.extend([1, 2])
    r.unpacked_int32.extend([3, 4])
    write("repeated_packed_mix", r.SerializeToString())


def write(name, data):
    with open(os.path.join(HERE, "cases", name + ".bin"), "wb") as f:
        f.write(data)


def catalogs():
    """Catalog fixtures: conflicts, a missing import, a directory tree, non-descriptors."""
    os.chdir(HERE)
    src = "catalog-src"
    run(["protoc", "-I" + src + "/a", "--descriptor_set_out=catalog/conflicts/1_shared_a.pb", "shared.proto"])
    run(["protoc", "-I" + src + "/b", "--descriptor_set_out=catalog/conflicts/2_shared_b.pb", "shared.proto"])
    run(["protoc", "-I" + src + "/a", "--descriptor_set_out=catalog/conflicts/3_thing_again.pb", "thing_again.proto"])
    # order.proto without --include_imports, so money.proto is missing.
    run(["protoc", "-I" + src, "--descriptor_set_out=catalog/missing/order.pb", "order.proto"])
    run(["protoc", "-I" + src, "--descriptor_set_out=catalog/money.pb", "money.proto"])
    run(["protoc", "-I" + src, "--descriptor_set_out=catalog/tree/b_order.pb", "order.proto"])
    run(["protoc", "-I" + src, "--descriptor_set_out=catalog/tree/sub/a_money.pb", "money.proto"])
    with open("catalog/tree/README.txt", "w") as f:
        f.write("not a descriptor set, and ignored: only *.pb files are read from directories\n")
    shutil.copy(os.path.join(src, "order.proto"), "catalog/invalid/order_source.pb")
    with open("catalog/invalid/random.pb", "wb") as f:
        f.write(bytes([0x0A, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
    open("catalog/invalid/empty.pb", "wb").close()


if __name__ == "__main__":
    main()
    catalogs()
