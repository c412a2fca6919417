#!/usr/bin/env bash
# Every test: installs the interop peers once (Tests/interop/setup.sh), then
# `swift test` with at most SWIFT_TEST_WIDTH tests running at a time (default:
# four per core). Plain `swift test` starts all ~480 Swift Testing tests at
# once; on two cores their gateways, backends and CPU-bound parsers then share
# two task-pool threads, and tests that hold a gateway to its documented 2 s
# backend timeout fail for want of CPU, not for a bug. Extra arguments go to
# `swift test` (`bash Tests/run.sh --filter WebSocket`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Tests/interop/setup.sh
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWIFT_TEST_WIDTH:-$(( $(nproc) * 4 ))}"
exec swift test "$@"
