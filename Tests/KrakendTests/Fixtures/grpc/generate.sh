#!/usr/bin/env bash
# Compiles inspect.proto (with its imports) into inspect.pb. Needs protoc.
set -euo pipefail
cd "$(dirname "$0")"
protoc -I. -I/usr/include --include_imports --descriptor_set_out=inspect.pb inspect.proto
