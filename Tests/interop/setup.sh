#!/usr/bin/env bash
# Installs the interop tests' peers (Tests/interop/requirements.txt) when they
# are missing; does nothing when they are there. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
if python3 - <<'PY' 2>/dev/null
import importlib.metadata as m, re, sys
for line in open("requirements.txt"):
    line = line.split("#")[0].strip()
    if not line: continue
    name, _, version = line.partition("==")
    if m.version(name) != version: sys.exit(1)
PY
then exit 0; fi
python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
