"""Run Autobahn TestSuite "fuzzingclient" cases against a WebSocket echo server.

    python3 autobahn.py --url ws://127.0.0.1:PORT/path
        [--cases 1,2,3,4,5,6,7,9,10,12] [--exclude 7.1.5,...]
        [--timeout SECONDS] [--case-timeout SECONDS]

The `kosoku` package (Autobahn's own case files driven by a Rust runner) acts
as the client; the server at --url must echo every text/binary message back.
The URL path and query are sent as-is. --cases/--exclude take group numbers,
case ids (6.4.1) or globs (6.4.*). Cases run one at a time, each bounded by
--case-timeout, the whole run by --timeout; a case that hits either counts as
FAILED, so a hanging server fails the run instead of hanging it; after
MAX_TIMEOUTS timeouts in a row the rest is skipped (and counted FAILED).

Prints one line per failing case, then exactly one summary line:
    autobahn: N cases, N ok, N non-strict, N informational, N unimplemented, N failed
(per-group timings go to stderr). Exits 0 only if nothing failed; UNIMPLEMENTED
(e.g. group 12 against a server that does not negotiate permessage-deflate) is
not a failure. A case fails if its message verdict is FAILED (or kosoku ERROR)
or its closing-handshake verdict is not OK/INFORMATIONAL.
"""

import argparse
import asyncio
import fnmatch
import os
import signal
import sys
import time

from kosoku import FailureError, run_fuzzingclient
from kosoku.cases import CASES  # case id -> case class, in suite order

DEFAULT_CASES = "1,2,3,4,5,6,7,9,10,12"
MAX_TIMEOUTS = 3
BUCKETS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]


def select(patterns):
    """Case ids matching a group number ("9"), an id ("9.1.1") or a glob ("9.1.*")."""
    def hit(cid, p):
        return cid == p or cid.startswith(p + ".") or fnmatch.fnmatchcase(cid, p)

    patterns = [p.strip() for p in patterns if p.strip()]
    return [cid for cid in CASES if any(hit(cid, p) for p in patterns)]


async def run_case(url, cid, timeout):
    """Return (bucket, reason) for one case; reason is None unless it failed."""
    try:
        [r] = await asyncio.wait_for(run_fuzzingclient(url, [cid]), timeout)
    except FailureError as failure:  # raised for anything not OK/NON-STRICT/INFORMATIONAL
        [r] = failure.results
    except asyncio.TimeoutError:
        return "TIMEOUT", f"no verdict within {timeout:.0f}s (server hung?)"
    behavior, close = r.behavior.value, r.behavior_close.value
    if behavior in ("FAILED", "ERROR") or close not in ("OK", "INFORMATIONAL"):
        return "FAILED", f"behavior={behavior} close={close}: {r.result} / {r.result_close}"
    return behavior, None


async def run_all(url, cases, case_timeout, deadline):
    """Run cases in order; return (verdict counts, {group: [cases run, seconds]})."""
    counts, groups = dict.fromkeys(BUCKETS, 0), {}
    timeouts_in_a_row = 0
    for i, cid in enumerate(cases):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or timeouts_in_a_row >= MAX_TIMEOUTS:
            why = "global timeout" if remaining <= 0 else f"{MAX_TIMEOUTS} case timeouts in a row"
            print(f"{why}: {len(cases) - i} cases not run, counted as failed")
            counts["FAILED"] += len(cases) - i
            break
        started = time.monotonic()
        bucket, reason = await run_case(url, cid, min(case_timeout, remaining))
        stats = groups.setdefault(cid.split(".")[0], [0, 0.0])
        stats[0] += 1
        stats[1] += time.monotonic() - started
        timeouts_in_a_row = timeouts_in_a_row + 1 if bucket == "TIMEOUT" else 0
        counts["FAILED" if bucket == "TIMEOUT" else bucket] += 1
        if reason:
            print(f"{cid}: {reason}", flush=True)
    return counts, groups


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="ws://host:port/path of the echo server")
    ap.add_argument("--cases", default=DEFAULT_CASES, help="comma-separated groups/ids/globs")
    ap.add_argument("--exclude", default="", help="comma-separated groups/ids/globs to skip")
    ap.add_argument("--timeout", type=float, default=900, help="whole-run limit in seconds")
    ap.add_argument("--case-timeout", type=float, default=60, help="per-case limit in seconds")
    args = ap.parse_args()

    skip = set(select(args.exclude.split(",")))
    cases = [c for c in select(args.cases.split(",")) if c not in skip]
    if not cases:
        ap.error(f"--cases {args.cases!r} selects no case")
    # Last resort if the event loop itself wedges: SIGALRM's default action kills us.
    signal.alarm(int(args.timeout) + 30)

    counts, groups = await run_all(args.url, cases, args.case_timeout, time.monotonic() + args.timeout)
    for group, (ran, secs) in groups.items():
        print(f"autobahn: group {group}: {ran} cases run, {secs:.1f}s", file=sys.stderr)
    print(
        f"autobahn: {len(cases)} cases, {counts['OK']} ok, {counts['NON-STRICT']} non-strict, "
        f"{counts['INFORMATIONAL']} informational, {counts['UNIMPLEMENTED']} unimplemented, "
        f"{counts['FAILED']} failed"
    )
    return 1 if counts["FAILED"] else 0


if __name__ == "__main__":
    status = asyncio.run(main())
    sys.stdout.flush()
    sys.stderr.flush()
    # Not sys.exit: kosoku's Rust runtime can abort (SIGABRT) while the
    # interpreter tears down, turning a clean verdict into a crash status.
    os._exit(status)
