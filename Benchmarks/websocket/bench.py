"""Drives the WebSocket load for Benchmarks/websocket/run.sh and prints the table.

Usage: python3 bench.py CONFIG.json

CONFIG (written by run.sh):
  {"control": "ws://127.0.0.1:B/control", "backend_pid": P,
   "per_proc": 5000, "warmup": 2, "duration": 10, "rounds": 20,
   "round_gap": 0.2, "round_timeout": 10, "connect_concurrency": 100,
   "connect_timeout": 15, "connect_budget": 90, "loadgen": "path/loadgen.py",
   "targets": [{"name": .., "mode": "mux"|"direct", "url": .., "n": ..,
                "pid": PID or null, "proxy": "gateway"|"nginx"|null}, ..]}

For each target in turn: start the load-generator processes, connect the
clients, read the proxy's RSS before and after, run the echo load, the
fan-out rounds, close the clients, and check what is left. Exit status 0
whatever the numbers; 3 when a target's proxy died during its run.
"""

import asyncio
import json
import math
import os
import sys
import time

import websockets

CLK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --- /proc ---------------------------------------------------------------------

def tree(pid):
    """pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def rss_kb(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_secs(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            total += int(rest[11]) + int(rest[12])
        except OSError:
            pass
    return total / CLK


def machine_busy_secs():
    """CPU seconds the whole machine spent busy (all cores, every process)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK


def alive(pid):
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def pct(sorted_vals, q):
    if not sorted_vals:
        return None
    return sorted_vals[min(len(sorted_vals) - 1, max(0, math.ceil(q * len(sorted_vals)) - 1))]


# --- load-generator processes ----------------------------------------------------

class Gen:
    def __init__(self, proc):
        self.proc = proc
        self.events = asyncio.Queue()
        self.open = 0
        self.dropped = {}
        self.reader = asyncio.ensure_future(self.read())

    @classmethod
    async def start(cls, loadgen, url, count):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, loadgen, url, str(count),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 << 20)
        return cls(proc)

    async def read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                await self.events.put({"ev": "exit"})
                return
            ev = json.loads(line)
            self.open = ev.get("open", self.open)
            self.dropped = ev.get("dropped", self.dropped)
            await self.events.put(ev)

    def send(self, **cmd):
        try:
            self.proc.stdin.write((json.dumps(cmd) + "\n").encode())
        except (BrokenPipeError, ConnectionResetError):
            pass

    async def expect(self, name, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                ev = await asyncio.wait_for(self.events.get(), left)
            except asyncio.TimeoutError:
                return None
            if ev["ev"] == name:
                return ev
            if ev["ev"] == "exit":
                return None

    async def stop(self, timeout):
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self.reader.cancel()


async def gather_events(gens, name, wait, **cmd):
    for g in gens:
        g.send(**cmd)
    return await asyncio.gather(*(g.expect(name, wait) for g in gens))


# --- backend control ------------------------------------------------------------

class Control:
    def __init__(self, url):
        self.url = url
        self.ws = None

    async def open(self):
        self.ws = await asyncio.wait_for(websockets.connect(self.url, max_size=None, ping_interval=None), 10)

    async def call(self, **cmd):
        await self.ws.send(json.dumps(cmd))
        return json.loads(await asyncio.wait_for(self.ws.recv(), 30))

    async def wait_direct(self, want, timeout):
        """Waits until the backend holds `want` direct connections; returns the last count."""
        deadline = time.monotonic() + timeout
        while True:
            n = (await self.call(cmd="stats"))["direct"]
            if n == want or time.monotonic() >= deadline:
                return n
            await asyncio.sleep(0.2)


# --- one target -----------------------------------------------------------------

async def run_target(cfg, t, ctl):
    name, mode, n = t["name"], t["mode"], t["n"]
    res = {"name": name, "mode": mode, "n": n, "notes": []}
    pid = t.get("pid")
    proxy_pids = tree(pid) if pid else []
    loadgen = cfg["loadgen"]
    per = cfg["per_proc"]
    counts = [per] * (n // per) + ([n % per] if n % per else [])
    res["clients_procs"] = counts
    log(f"{name}: {n} clients in {len(counts)} process(es) -> {t['url']}")

    before_direct = (await ctl.call(cmd="stats"))["direct"]
    if before_direct:
        res["notes"].append(f"{before_direct} backend direct connections still open from earlier targets")
    rss0 = rss_kb(proxy_pids) if pid else None
    gens = [await Gen.start(loadgen, t["url"], c) for c in counts]
    try:
        # connect
        t0 = time.monotonic()
        evs = await gather_events(gens, "connected", cfg["connect_budget"] + 30, cmd="connect",
                                  concurrency=cfg["connect_concurrency"], timeout=cfg["connect_timeout"],
                                  budget=cfg["connect_budget"])
        connected = sum(e["ok"] for e in evs if e)
        errors = {}
        for e in evs:
            for k, v in (e or {}).get("errors", {}).items():
                errors[k] = errors.get(k, 0) + v
        res["connected"] = connected
        res["connect_secs"] = round(time.monotonic() - t0, 1)
        res["connect_errors"] = errors
        log(f"{name}: {connected}/{n} connected in {res['connect_secs']} s" + (f"; failures: {errors}" if errors else ""))
        if connected == 0:
            res["notes"].append("no client connected")
            return res
        if mode == "direct":
            # The proxy dials its backend connection after the client's upgrade.
            got = await ctl.wait_direct(before_direct + connected, 20)
            res["backend_conns"] = got - before_direct
            if got != before_direct + connected:
                res["notes"].append(f"backend holds {got - before_direct} connections for {connected} clients")
        else:
            res["backend_conns"] = (await ctl.call(cmd="stats"))["mux"]
        await asyncio.sleep(1.0)
        if pid:
            proxy_pids = tree(pid)
            res["rss_before_kb"] = rss0
            res["rss_after_kb"] = rss_kb(proxy_pids)
            res["rss_per_client_kb"] = (res["rss_after_kb"] - rss0) / connected

        # echo load
        procs = {"proxy": proxy_pids, "backend": [cfg["backend_pid"]], "clients": [g.proc.pid for g in gens]}
        for g in gens:
            g.send(cmd="load", warmup=cfg["warmup"], duration=cfg["duration"], drain=10)
        await asyncio.sleep(cfg["warmup"])
        c0 = {k: cpu_secs(v) for k, v in procs.items()}
        m0 = machine_busy_secs()
        w0 = time.monotonic()
        await asyncio.sleep(cfg["duration"])
        c1 = {k: cpu_secs(v) for k, v in procs.items()}
        m1 = machine_busy_secs()
        wall = time.monotonic() - w0
        res["cpu"] = {k: round(100 * (c1[k] - c0[k]) / wall) for k in procs if procs[k]}
        # everything else on the machine: this driver, kernel threads (softirq), other jobs
        res["cpu_other"] = max(0, round(100 * (m1 - m0) / wall) - sum(res["cpu"].values()))
        evs = await asyncio.gather(*(g.expect("load", 30) for g in gens))
        res["msgs_per_s"] = sum(e["rt"] / e["secs"] for e in evs if e and e["secs"] > 0)
        res["echo_mismatch"] = sum(e["mismatch"] for e in evs if e)
        res["echo_unanswered"] = sum(e["inflight"] for e in evs if e)
        if any(e is None for e in evs):
            res["notes"].append("a load generator did not report its echo load")
        log(f"{name}: {res['msgs_per_s']:.0f} round trips/s, cpu % {res['cpu']}")

        # fan-out
        evs = await gather_events(gens, "armed", 10, cmd="fanout_arm")
        expected_per_round = sum(g.open for g in gens)
        sent_ns, late_rounds = [], 0
        for r in range(cfg["rounds"]):
            ack = await ctl.call(cmd="fanout", target=mode, round=r)
            sent_ns.append(ack["send_ns"])
            waiting = [g for g in gens if g.open > 0]
            got = await asyncio.gather(*(g.expect("round", cfg["round_timeout"]) for g in waiting))
            if any(e is None for e in got):
                late_rounds += 1
            await asyncio.sleep(cfg["round_gap"])
        evs = await gather_events(gens, "fanout", 30, cmd="fanout_report")
        per_round = {}
        for e in evs:
            for k, v in (e or {}).get("lat", {}).items():
                per_round.setdefault(int(k), []).extend(v)
        lat = sorted(x for v in per_round.values() for x in v)
        delivered = len(lat)
        expected = expected_per_round * cfg["rounds"]
        res["fanout"] = {
            "p50_ms": pct(lat, 0.50) / 1000 if lat else None,
            "p99_ms": pct(lat, 0.99) / 1000 if lat else None,
            # the last client of each round: median and worst over the rounds
            "slowest_ms": (sorted(max(v) for v in per_round.values())[len(per_round) // 2] / 1000) if per_round else None,
            "worst_ms": lat[-1] / 1000 if lat else None,
            "delivered": delivered,
            "expected": expected,
            "backend_send_ms": sorted(sent_ns)[len(sent_ns) // 2] / 1e6 if sent_ns else None,
            "late_rounds": late_rounds,
        }
        if late_rounds:
            res["notes"].append(f"{late_rounds} fan-out round(s) not complete within {cfg['round_timeout']} s")
        log(f"{name}: fan-out {res['fanout']}")
    finally:
        open_before_close = sum(g.open for g in gens)
        dropped = {}
        for g in gens:
            for k, v in g.dropped.items():
                dropped[k] = dropped.get(k, 0) + v
        res["dropped"] = dropped
        res["open_at_end"] = open_before_close
        for g in gens:
            g.send(cmd="close", timeout=10)
        await asyncio.gather(*(g.expect("closed", 20) for g in gens))
        await asyncio.gather(*(g.stop(5) for g in gens))
    if mode == "direct":
        left = await ctl.wait_direct(0, 15)
        if left:
            res["notes"].append(f"{left} backend connections still open 15 s after every client closed")
    if pid:
        if not alive(pid):
            res["died"] = True
            res["notes"].append("the proxy process DIED during the run")
            return res
        await asyncio.sleep(2.0)
        res["rss_end_kb"] = rss_kb(tree(pid))
        # Memory growth: the same clients connect and leave again (no
        # messages); RSS after each cycle should level off, not climb.
        res["rss_cycles_kb"] = [res["rss_end_kb"]]
        for _ in range(cfg.get("cycles", 0)):
            gens = [await Gen.start(loadgen, t["url"], c) for c in counts]
            evs = await gather_events(gens, "connected", cfg["connect_budget"] + 30, cmd="connect",
                                      concurrency=cfg["connect_concurrency"], timeout=cfg["connect_timeout"],
                                      budget=cfg["connect_budget"])
            for g in gens:
                g.send(cmd="close", timeout=10)
            await asyncio.gather(*(g.expect("closed", 20) for g in gens))
            await asyncio.gather(*(g.stop(5) for g in gens))
            if mode == "direct":
                await ctl.wait_direct(0, 15)
            if not alive(pid):
                res["died"] = True
                res["notes"].append("the proxy process DIED during a connect/close cycle")
                return res
            await asyncio.sleep(2.0)
            res["rss_cycles_kb"].append(rss_kb(tree(pid)))
        log(f"{name}: RSS after each connect/close cycle (KB): {res['rss_cycles_kb']}")
    return res


# --- report ---------------------------------------------------------------------

def fmt(v, spec=".0f", none="-"):
    return none if v is None else format(v, spec)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}"


def report(cfg, results):
    out = []
    p = out.append
    p("")
    p(f"WebSocket load, {os.cpu_count()} cores; every client keeps one message in flight for "
      f"{cfg['duration']} s after {cfg['warmup']} s warm-up; {cfg['rounds']} fan-out rounds")
    p("msgs/s = echo round trips per second, all clients together; fan-out = receive time - backend send time "
      "(one time per round, taken before the backend's first send)")
    p("")
    h = f"{'target':<10} {'mode':<7} {'clients':>15} {'RSS/client':>11} {'msgs/s':>9} {'fan p50':>8} {'fan p99':>8} " \
        f"{'slowest':>8} {'worst':>8} {'bk send':>8} {'delivered':>15} {'cpu% proxy/backend/clients/other':>33}"
    p(h)
    p("-" * len(h))
    for r in results:
        f = r.get("fanout", {})
        cpu = r.get("cpu", {})
        cpus = "/".join(str(cpu.get(k, "-")) for k in ("proxy", "backend", "clients")) + "/" + str(r.get("cpu_other", "-"))
        rss = r.get("rss_per_client_kb")
        p(f"{r['name']:<10} {r['mode']:<7} {str(r.get('connected', 0)) + '/' + str(r['n']):>15} "
          f"{(fmt(rss, '.1f') + ' KB') if rss is not None else '-':>11} {fmt(r.get('msgs_per_s')):>9} "
          f"{fmt(f.get('p50_ms'), '.1f'):>8} {fmt(f.get('p99_ms'), '.1f'):>8} {fmt(f.get('slowest_ms'), '.1f'):>8} "
          f"{fmt(f.get('worst_ms'), '.1f'):>8} {fmt(f.get('backend_send_ms'), '.1f'):>8} {str(f.get('delivered', '-')) + '/' + str(f.get('expected', '-')):>15} {cpus:>33}")
    p("(fan-out columns in ms: p50 and p99 over all deliveries; slowest = the last client of a round, median over "
      "the rounds; worst = the slowest delivery of all; bk send = the backend's time to send one round: one "
      "broadcast envelope in mux mode, one message per connection in direct mode, median over the rounds)")
    p("")
    by = {r["name"]: r for r in results}
    p("ratios, gateway / peer (msgs/s: above 1 is faster; fan-out and RSS: below 1 is better)")
    h = f"{'':<22} {'msgs/s':>8} {'fan p50':>8} {'fan p99':>8} {'slowest':>8} {'RSS/client':>11}"
    p(h)
    p("-" * len(h))
    for gw in ("gw-direct", "gw-mux"):
        for peer in ("nginx", "no-proxy"):
            if gw not in by or peer not in by:
                continue
            a, b = by[gw], by[peer]
            fa, fb = a.get("fanout", {}), b.get("fanout", {})
            p(f"{gw + ' / ' + peer:<22} {ratio(a.get('msgs_per_s'), b.get('msgs_per_s')):>8} "
              f"{ratio(fa.get('p50_ms'), fb.get('p50_ms')):>8} {ratio(fa.get('p99_ms'), fb.get('p99_ms')):>8} "
              f"{ratio(fa.get('slowest_ms'), fb.get('slowest_ms')):>8} "
              f"{ratio(a.get('rss_per_client_kb'), b.get('rss_per_client_kb')):>11}")
    p("")
    p("what limited each row (CPU % of one core over the measured echo window; the machine has "
      f"{100 * os.cpu_count()} %):")
    for r in results:
        cpu = r.get("cpu")
        if not cpu:
            continue
        other = r.get("cpu_other", 0)
        total = sum(cpu.values()) + other
        busiest = max(cpu, key=cpu.get)
        cap = 100 * os.cpu_count()
        if cpu.get("backend", 0) >= 90:
            why = f"the backend (one Python process, {cpu['backend']} % of its one core)"
        elif cpu.get("clients", 0) >= 90 and len(r.get("clients_procs", [])) == 1:
            why = f"the load generator (one Python process, {cpu['clients']} %)"
        elif total >= cap - 30:
            shared = "clients, proxy and backend" if "proxy" in cpu else "clients and backend"
            why = f"the {os.cpu_count()} cores, shared by {shared} ({total} % busy; busiest: {busiest})"
        else:
            why = f"neither the cores nor the backend are saturated ({total} % busy): latency-bound (one message in flight per client)"
        if other >= 20:
            why += f"; {other} % went to other processes and the kernel"
        p(f"  {r['name']:<10} {why}")
    p("")
    p("client-side and proxy events:")
    for r in results:
        items = []
        if r.get("connect_errors"):
            items.append(f"connect failures {r['connect_errors']}")
        if r.get("dropped"):
            items.append(f"clients closed by the far side (close code: count) {r['dropped']}")
        if r.get("echo_mismatch"):
            items.append(f"{r['echo_mismatch']} wrong or unexpected echo answers")
        if r.get("echo_unanswered"):
            items.append(f"{r['echo_unanswered']} echo messages never answered (10 s after the load)")
        f = r.get("fanout", {})
        if f and f.get("delivered") != f.get("expected"):
            items.append(f"fan-out delivered {f.get('delivered')} of {f.get('expected')}")
        if "rss_end_kb" in r:
            items.append(f"RSS {r['rss_before_kb'] // 1024} MB before, {r['rss_after_kb'] // 1024} MB with the clients, "
                         f"{r['rss_end_kb'] // 1024} MB 2 s after they left")
        cyc = r.get("rss_cycles_kb", [])
        if len(cyc) > 1 and r.get("connected"):
            growth = (cyc[-1] - cyc[0]) / (len(cyc) - 1) / r["connected"]
            items.append("after each further connect/close cycle of the same clients: "
                         + " -> ".join(f"{k // 1024}" for k in cyc) + f" MB ({growth:+.1f} KB per client per cycle"
                         + (": GROWS, memory is not given back" if growth > 1 else "") + ")")
        if r.get("backend_conns") is not None:
            items.append(f"backend connections: {r['backend_conns']}")
        items.extend(r["notes"])
        p(f"  {r['name']:<10} " + ("; ".join(items) if items else "none"))
    print("\n".join(out), flush=True)


async def main(path):
    with open(path) as f:
        cfg = json.load(f)
    ctl = Control(cfg["control"])
    await ctl.open()
    results = []
    for t in cfg["targets"]:
        results.append(await run_target(cfg, t, ctl))
        with open(cfg.get("results", os.devnull), "w") as f:
            json.dump(results, f, indent=1)
    report(cfg, results)
    return 3 if any(r.get("died") for r in results) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
