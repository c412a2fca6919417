#!/usr/bin/env bash
# HTTP throughput/latency benchmark: the Swift KrakenD gateway vs an nginx
# reverse proxy, both in front of the same nginx static-JSON backend.
#
# Usage: bash Benchmarks/http/run.sh [--gateway PATH] [--duration SECS] [--skip-gateway]
#
# Environment (all optional):
#   GATEWAY_BIN=PATH   use this krakend binary, skip `swift build`
#   SKIP_GATEWAY=1     do not build or run the gateway (checks the harness itself)
#   DURATION=10        seconds per measured wrk run
#   WARMUP=2           seconds of unmeasured wrk load before each measured run
#   THREADS=2          wrk threads
#   CONNECTIONS=64     wrk connections
#
# Exit status: 0 when every target was measured (whatever the ratios are:
# a benchmark reports, it does not judge); non-zero when something could not
# be installed, built or started, or a target did not answer 200 and so
# could not be measured.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
GATEWAY_BIN="${GATEWAY_BIN:-}"
SKIP_GATEWAY="${SKIP_GATEWAY:-0}"
PORT_WAIT_SECS=15

WORK_DIR=""
PIDS=()            # every server we started, killed by PID on exit
WRK_PID=""         # the wrk run in progress, if any
BROKEN=0           # targets that could not be measured

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

parse_args() {
    while (($#)); do
        case "$1" in
            --gateway) [[ $# -ge 2 ]] || die "--gateway needs a path"; GATEWAY_BIN="$2"; shift 2 ;;
            --gateway=*) GATEWAY_BIN="${1#*=}"; shift ;;
            --duration) [[ $# -ge 2 ]] || die "--duration needs seconds"; DURATION="$2"; shift 2 ;;
            --duration=*) DURATION="${1#*=}"; shift ;;
            --skip-gateway) SKIP_GATEWAY=1; shift ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    [[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -gt 0 ]] || die "DURATION must be a positive integer"
    [[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer"
}

# ---------------------------------------------------------------- install ---

# The Debian nginx binary lives in /usr/sbin, which is not on every user's PATH.
find_nginx() {
    command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}

# Install nginx/wrk/python3 only when missing, so repeated runs never touch apt
# (and never need the network).
ensure_tools() {
    local missing=()
    [[ -n "$(find_nginx)" ]] || missing+=(nginx)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
    ((${#missing[@]} == 0)) && return 0

    log "installing: ${missing[*]}"
    local sudo=""
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to install ${missing[*]}"
        sudo="sudo"
    fi
    # Debian's nginx package starts a system nginx on port 80 from its postinst.
    # We never want that service: a policy-rc.d that exits 101 forbids it. Only
    # add one if the machine has none (Docker images usually ship one), and
    # remove it again right after.
    local added_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    local rc=0
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
    if ((rc == 0)); then
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null || rc=$?
    fi
    ((added_policy)) && $sudo rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || die "apt-get failed (exit $rc) installing ${missing[*]}"
    [[ -n "$(find_nginx)" ]] || die "nginx still not found after install"
    command -v wrk >/dev/null 2>&1 || die "wrk still not found after install"
    command -v h2load >/dev/null 2>&1 || die "h2load still not found after install"
}

# ------------------------------------------------------------------ build ---

build_gateway() {
    if [[ "$SKIP_GATEWAY" == "1" ]]; then
        log "SKIP_GATEWAY=1: not building or running the gateway"
        return 0
    fi
    if [[ -n "$GATEWAY_BIN" ]]; then
        [[ -x "$GATEWAY_BIN" ]] || die "gateway binary not executable: $GATEWAY_BIN"
        # The gateway runs from its temp dir: make a relative path absolute.
        GATEWAY_BIN="$(cd "$(dirname "$GATEWAY_BIN")" && pwd)/$(basename "$GATEWAY_BIN")"
        log "using prebuilt gateway: $GATEWAY_BIN"
        return 0
    fi
    command -v swift >/dev/null 2>&1 || die "swift not found (set GATEWAY_BIN or SKIP_GATEWAY=1)"
    log "building gateway: swift build -c release --product krakend"
    (cd "$REPO_ROOT" && swift build -c release --product krakend) >&2 \
        || die "swift build failed"
    GATEWAY_BIN="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/krakend"
    [[ -x "$GATEWAY_BIN" ]] || die "built binary not found at $GATEWAY_BIN"
}

# -------------------------------------------------------------- processes ---

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid children=()
    [[ -n "$WRK_PID" ]] && { kill -TERM "$WRK_PID" 2>/dev/null || true; }
    # nginx masters run with `daemon off`, so their workers are their children:
    # note them first so that nothing is orphaned if a master must be SIGKILLed.
    for pid in "${PIDS[@]}"; do
        children+=($(pgrep -P "$pid" 2>/dev/null || true))
    done
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    local deadline=$((SECONDS + 5))
    for pid in "${PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]] && rm -rf "$WORK_DIR"
    exit "$rc"
}

# Print N distinct free loopback ports. The kernel picks them (bind to port 0);
# all sockets stay open until every port is chosen so that they differ.
free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

# Wait (bounded) until something accepts on 127.0.0.1:PORT; fail early if the
# process we are waiting for has already died.
wait_for_port() {
    local port="$1" pid="$2" name="$3" logfile="$4"
    local deadline=$((SECONDS + PORT_WAIT_SECS))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited before listening; last log lines:"
            tail -n 20 "$logfile" >&2 || true
            die "$name could not start"
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$logfile" >&2 || true
    die "$name did not listen on 127.0.0.1:$port within ${PORT_WAIT_SECS}s"
}

# Settings shared by both nginx instances: run in the foreground as the
# current user with every path inside our temp dir.
nginx_common_conf() {
    local dir="$1"
    # As root, nginx workers would switch to `nobody`, who cannot read our 0700
    # temp dir; keep them as the current user. (Non-root nginx ignores `user`
    # with a warning, so only emit it for root.)
    if [[ "$(id -u)" -eq 0 ]]; then
        echo "user $(id -un) $(id -gn);"
    fi
    cat <<EOF
# worker_processes auto = one worker per core (2 here). The gateway also uses
# every core, so this is the fair comparison; see Benchmarks/README.md.
worker_processes auto;
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
EOF
}

nginx_http_common() {
    local dir="$1"
    cat <<EOF
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    sendfile on;
    tcp_nodelay on;
    # Keep client connections open for the whole run: nginx's default (1000
    # requests per connection) would make wrk reconnect and measure handshakes.
    keepalive_timeout 65s;
    keepalive_requests 10000000;
EOF
}

start_nginx() {
    local name="$1" conf="$2" dir="$3" port="$4"
    "$NGINX" -t -q -p "$dir" -e "$dir/error.log" -c "$conf" 2>>"$dir/error.log" \
        || { tail -n 20 "$dir/error.log" >&2; die "$name: invalid nginx config"; }
    "$NGINX" -p "$dir" -e "$dir/error.log" -c "$conf" >>"$dir/stdout.log" 2>&1 &
    PIDS+=($!)
    wait_for_port "$port" "$!" "$name" "$dir/error.log"
    log "$name listening on 127.0.0.1:$port (pid $!)"
}

start_backend() {
    local dir="$WORK_DIR/backend"
    mkdir -p "$dir/www"
    cp "$SCRIPT_DIR/backend/"*.json "$dir/www/"
    # The gRPC stand-in's answer and the same data as JSON, from the catalog.
    python3 "$SCRIPT_DIR/backend/flights.py" "$REPO_ROOT/catalogs/flights/flights.pb" "$dir/www" \
        || die "cannot build the gRPC payload (python3 protobuf: bash Tests/interop/setup.sh)"
    {
        nginx_common_conf "$dir"
        echo "http {"
        nginx_http_common "$dir"
        cat <<EOF
    server {
        listen 127.0.0.1:$BACKEND_PORT;
        root $dir/www;
        types { application/json json; }
        default_type application/json;
        location / { try_files \$uri =404; }
        # A stand-in GraphQL server: the same file for GET and POST.
        location = /graphql.json { error_page 405 =200 \$uri; }
    }
    # A stand-in gRPC server (h2c): FindFlight answers a canned message,
    # grpc-status 0 in the trailers.
    server {
        listen 127.0.0.1:$GRPC_PORT http2;
        root $dir/www;
        location = /flight_finder.Flights/FindFlight {
            error_page 405 =200 /findflight.grpc;
            return 405;
        }
        location = /findflight.grpc {
            types { application/grpc grpc; }
            add_trailer grpc-status 0 always;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_nginx backend "$dir/nginx.conf" "$dir" "$BACKEND_PORT"
}

# A real gRPC server (grpcio, Tests/interop/grpc/flights_server.py): its
# BookFlight decodes the request and answers an empty Booking.
start_grpcio() {
    local dir="$WORK_DIR/grpcio"
    mkdir -p "$dir"
    # It serves until its stdin closes: a FIFO whose writer this script holds.
    mkfifo "$dir/stdin"
    python3 "$REPO_ROOT/Tests/interop/grpc/flights_server.py" "$GRPCIO_PORT" <"$dir/stdin" >"$dir/server.log" 2>&1 &
    PIDS+=($!)
    exec 7>"$dir/stdin"
    wait_for_port "$GRPCIO_PORT" "$!" grpcio "$dir/server.log"
    log "grpcio flight finder listening on 127.0.0.1:$GRPCIO_PORT"
}

start_proxy() {
    local dir="$WORK_DIR/proxy"
    mkdir -p "$dir"
    {
        nginx_common_conf "$dir"
        echo "http {"
        nginx_http_common "$dir"
        cat <<EOF
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
        keepalive_requests 10000000;
    }
    server {
        listen 127.0.0.1:$PROXY_PORT;
        location / {
            proxy_pass http://backend;
            # Reuse upstream connections, as the gateway's HTTP client does.
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_nginx nginx-proxy "$dir/nginx.conf" "$dir" "$PROXY_PORT"
}

# The checked-in krakend.json is a valid standalone config (port 8080, backend
# on :8000); rewrite its port and every backend host for this run's ports.
start_gateway() {
    local dir="$WORK_DIR/gateway"
    mkdir -p "$dir"
    python3 - "$SCRIPT_DIR/krakend.json" "$dir/krakend.json" "$GATEWAY_PORT" "$BACKEND_PORT" "$GRPC_PORT" "$SCRIPT_DIR" "$GRPCIO_PORT" <<'PY'
import json, os, sys
src, dst, port, backend_port, grpc_port, script_dir, grpcio_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
cfg = json.load(open(src))
cfg["port"] = port
catalog = cfg.get("extra_config", {}).get("grpc", {}).get("catalog", [])
cfg.get("extra_config", {}).get("grpc", {})["catalog"] = [os.path.normpath(os.path.join(script_dir, c)) for c in catalog]
server = cfg.get("extra_config", {}).get("grpc", {}).get("server", {})
methods = [m for s in server.get("services", []) for m in s.get("methods", [])]
for ep in cfg["endpoints"] + methods:
    for be in ep["backend"]:
        if be["url_pattern"].endswith("/BookFlight"):
            be["host"] = ["127.0.0.1:" + grpcio_port]  # the real gRPC server
        elif "backend/grpc" in be.get("extra_config", {}):
            be["host"] = ["127.0.0.1:" + grpc_port]  # h2c, no scheme
        else:
            be["host"] = ["http://127.0.0.1:" + backend_port]
json.dump(cfg, open(dst, "w"), indent=2)
PY
    (cd "$dir" && exec "$GATEWAY_BIN" run -c "$dir/krakend.json") >"$dir/gateway.log" 2>&1 &
    PIDS+=($!)
    wait_for_port "$GATEWAY_PORT" "$!" gateway "$dir/gateway.log"
    log "gateway listening on 127.0.0.1:$GATEWAY_PORT (pid $!)"
}

# ------------------------------------------------------------- benchmark ---

# A target that answers with an error would benchmark the error path (often
# much faster), so check for a 200 with a JSON body before measuring. With
# KEYS (a merge), the body must have these top-level members and the answer
# must be complete (no `X-Krakend-Completed: false`, which no-op endpoints
# always send, as KrakenD does): a partial merge is cheaper than a full one.
check_target() { # check_target URL [KEY...]
    python3 - "$@" <<'PY'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        body = json.loads(r.read())
        missing = [k for k in sys.argv[2:] if not isinstance(body, dict) or k not in body]
        if missing:
            raise ValueError(f"answer lacks {', '.join(missing)}")
        if sys.argv[2:] and r.headers.get("X-Krakend-Completed", "").lower() == "false":
            raise ValueError("incomplete answer (X-Krakend-Completed: false)")
        sys.exit(0 if r.status == 200 else 1)
except Exception as e:
    print(f"{sys.argv[1]}: {e}", file=sys.stderr)
    sys.exit(1)
PY
}

# wrk prints latencies as e.g. 812.00us, 3.21ms, 1.02s, 2.00m; normalise to ms.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000;
        else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000;
        printf "%.3f", n }'
}

# Run wrk in the background and wait for it: bash defers traps while a
# foreground child runs, so this lets SIGTERM/SIGINT clean up immediately.
run_wrk() { # run_wrk OUTFILE WRK-ARGS...
    local out="$1" rc=0
    shift
    wrk "$@" >"$out" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    return "$rc"
}

# RESULTS holds one line per target: name|url|baseline|rps|p99_ms|errors
RESULTS=()

bench() { # bench NAME URL BASELINE [KEY...] (KEYS: see check_target)
    local name="$1" url="$2" baseline="$3"
    shift 3
    if ! check_target "$url" "$@"; then
        log "$name: $url did not answer 200 with the expected JSON; not measured"
        RESULTS+=("$name|$url|$baseline|ERR|ERR|-")
        BROKEN=$((BROKEN + 1))
        return 0
    fi
    log "$name: warm-up ${WARMUP}s, then ${DURATION}s  ($url)"
    if ((WARMUP > 0)); then
        run_wrk /dev/null -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" || true
    fi
    local out="$WORK_DIR/wrk-$name.txt"
    run_wrk "$out" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" \
        || { cat "$out" >&2; die "wrk failed against $url"; }

    local rps p99 non2xx sockerr
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
    p99="$(awk '$1 == "99%" {print $2}' "$out")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
    # "Socket errors: connect 0, read 0, write 0, timeout 0" -> sum of the counts
    sockerr="$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")"
    [[ -n "$rps" && -n "$p99" ]] || { cat "$out" >&2; die "could not parse wrk output for $name"; }
    RESULTS+=("$name|$url|$baseline|$rps|$(to_ms "$p99")|$((${non2xx:-0} + ${sockerr:-0}))")
}

# gRPC unary calls with h2load: FindFlight with a small request message.
# h2load counts any HTTP 200 as a success, so one call is checked first for
# grpc-status 0. RATE (calls/s per connection, 0 = as fast as possible)
# gives the moderate-load rows. p99 comes from h2load's per-request log.
bench_grpc() { # bench_grpc NAME URL BASELINE CONNECTIONS STREAMS RATE
    local name="$1" url="$2" baseline="$3" conns="$4" streams="$5" rate="$6"
    local body="$WORK_DIR/findflight-request.bin"
    printf '\x00\x00\x00\x00\x05\x12\x03LHR' >"$body"
    if ! python3 - "$url" "$body" <<'PY'
import sys, urllib.parse, grpc
url = urllib.parse.urlparse(sys.argv[1])
call = grpc.insecure_channel(url.netloc).unary_unary(url.path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
try:
    call(open(sys.argv[2], "rb").read()[5:], timeout=5)
except grpc.RpcError as e:
    print(f"{sys.argv[1]}: {e.code()} {e.details()}", file=sys.stderr)
    sys.exit(1)
PY
    then
        log "$name: $url did not answer grpc-status 0; not measured"
        RESULTS+=("$name|$url|$baseline|ERR|ERR|-")
        BROKEN=$((BROKEN + 1))
        return 0
    fi
    local args=(-c "$conns" -m "$streams" -d "$body" -H "content-type: application/grpc" -H "te: trailers")
    ((rate > 0)) && args+=(--rps "$rate")
    log "$name: warm-up ${WARMUP}s, then ${DURATION}s  ($url, $conns connections x $streams streams, rate per connection: ${rate/#0/unlimited})"
    local out="$WORK_DIR/h2load-$name.txt" logf="$WORK_DIR/h2load-$name.log"
    h2load "${args[@]}" --warm-up-time="${WARMUP}s" -D "$DURATION" --log-file="$logf" "$url" >"$out" 2>&1 \
        || { cat "$out" >&2; die "h2load failed against $url"; }
    local rps p99 failed
    rps="$(awk '/^finished in/ {gsub(/,/, ""); print $4}' "$out")"
    failed="$(awk '/^requests:/ {gsub(/,/, ""); print $10 + $12}' "$out")"
    p99="$(python3 -c 'import sys
d = sorted(int(l.split()[2]) for l in open(sys.argv[1]) if len(l.split()) >= 3)
print("%.3f" % (d[min(len(d) - 1, int(len(d) * 0.99))] / 1000) if d else "")' "$logf")"
    [[ -n "$rps" && -n "$p99" ]] || { cat "$out" >&2; die "could not parse h2load output for $name"; }
    RESULTS+=("$name|$url|$baseline|$rps|$p99|${failed:-0}")
}

lookup() { # lookup NAME FIELD -> value from RESULTS
    local line
    for line in "${RESULTS[@]}"; do
        [[ "${line%%|*}" == "$1" ]] && { cut -d'|' -f"$2" <<<"$line"; return; }
    done
}

ratio() { # ratio A B -> A/B with 2 decimals, or n/a
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "n/a";
        else printf "%.2f", a / b }'
}

report() {
    echo
    echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, ${WARMUP}s warm-up, $(nproc) cores"
    echo "ratios are target / baseline: the nginx proxy of the same payload; for gw-merge3 (3 backends merged)," \
         "the nginx proxy of /data.json"
    echo "(req/s: higher is better; p99: lower is better)"
    echo
    printf '%-16s %12s %10s %8s %10s %10s  %s\n' target "req/s" "p99 ms" errors "rps ratio" "p99 ratio" baseline
    printf '%-16s %12s %10s %8s %10s %10s  %s\n' ---------------- ------------ ---------- -------- ---------- ---------- --------
    local line name url base rps p99 errs
    for line in "${RESULTS[@]}"; do
        IFS='|' read -r name url base rps p99 errs <<<"$line"
        printf '%-16s %12s %10s %8s %10s %10s  %s\n' "$name" "$rps" "$p99" "$errs" \
            "$(ratio "$rps" "$(lookup "$base" 4)")" "$(ratio "$p99" "$(lookup "$base" 5)")" "$base"
    done
    echo
    if [[ "$SKIP_GATEWAY" == "1" ]]; then
        echo "headline: gateway skipped (SKIP_GATEWAY=1)"
    else
        local nginx_rps
        nginx_rps="$(lookup nginx-proxy 4)"
        echo "headline: noop/nginx req/s = $(ratio "$(lookup gw-noop 4)" "$nginx_rps") (target >= 0.8)," \
             "json/nginx req/s = $(ratio "$(lookup gw-json 4)" "$nginx_rps") (target >= 0.6)," \
             "merge3/nginx req/s = $(ratio "$(lookup gw-merge3 4)" "$nginx_rps") (target >= 0.5)," \
             "graphql/plain req/s = $(ratio "$(lookup gw-graphql 4)" "$(lookup gw-graphql-plain 4)") (target >= 0.8)," \
             "grpc/plain req/s = $(ratio "$(lookup gw-grpc 4)" "$(lookup gw-grpc-plain 4)") (target >= 0.7)," \
             "grpc-server/direct calls/s = $(ratio "$(lookup gw-grpc-server 4)" "$(lookup grpc-direct 4)") against the nginx stand-in," \
             "$(ratio "$(lookup gw-grpc-server-grpcio 4)" "$(lookup grpcio-direct 4)") against grpcio (target >= 0.5)," \
             "grpc-server added p99 at 500 calls/s = $(awk -v a="$(lookup gw-grpc-server-500 5)" -v b="$(lookup grpc-direct-500 5)" 'BEGIN { printf "%.3f ms", a - b }') (target < 1 ms)"
    fi
}

# ------------------------------------------------------------------- main ---

main() {
    parse_args "$@"
    ensure_tools
    NGINX="$(find_nginx)"
    build_gateway

    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/krakend-bench.XXXXXX")"

    read -r BACKEND_PORT PROXY_PORT GATEWAY_PORT GRPC_PORT GRPCIO_PORT < <(free_ports 5)
    start_backend
    start_grpcio
    start_proxy
    [[ "$SKIP_GATEWAY" == "1" ]] || start_gateway

    local b="http://127.0.0.1:$BACKEND_PORT" p="http://127.0.0.1:$PROXY_PORT"
    local g="http://127.0.0.1:$GATEWAY_PORT"
    # name            url                 baseline for the ratios
    bench backend       "$b/data.json"  nginx-proxy
    bench nginx-proxy   "$p/data.json"  nginx-proxy
    bench backend-big   "$b/big.json"   nginx-proxy-big
    bench nginx-proxy-big "$p/big.json" nginx-proxy-big
    if [[ "$SKIP_GATEWAY" != "1" ]]; then
        bench gw-noop     "$g/noop"       nginx-proxy
        bench gw-json     "$g/json"       nginx-proxy
        bench gw-json-big "$g/json-big"   nginx-proxy-big
        # three backends (data + big + extra), each in its own group, merged;
        # compared with nginx proxying one small file (the issue's target)
        bench gw-merge3   "$g/merge"      nginx-proxy  user catalog meta
        # the same data from the same backend, as a plain JSON call and as a
        # generated GraphQL query (POST body built per request)
        bench gw-graphql-plain "$g/graphql-plain/1" gw-graphql-plain
        bench gw-graphql  "$g/graphql/1"  gw-graphql-plain
        # the same flights as a JSON file and as a gRPC answer decoded by the catalog
        bench gw-grpc-plain "$g/grpc-plain" gw-grpc-plain
        bench gw-grpc     "$g/grpc"       gw-grpc-plain
    fi
    # gRPC clients: the stand-in called directly, and through the gateway's
    # gRPC server (decode, call the backend, encode), flat out and at a
    # moderate rate (2 x 250 calls/s) for the added latency.
    local find="/flight_finder.Flights/FindFlight"
    bench_grpc grpc-direct "http://127.0.0.1:$GRPC_PORT$find" grpc-direct 16 8 0
    bench_grpc grpc-direct-500 "http://127.0.0.1:$GRPC_PORT$find" grpc-direct-500 2 1 250
    # The same beside a real gRPC server (grpcio, one Python process).
    local book="/flight_finder.Flights/BookFlight"
    bench_grpc grpcio-direct "http://127.0.0.1:$GRPCIO_PORT$book" grpcio-direct 16 8 0
    if [[ "$SKIP_GATEWAY" != "1" ]]; then
        bench_grpc gw-grpc-server "$g$find" grpc-direct 16 8 0
        bench_grpc gw-grpc-server-500 "$g$find" grpc-direct-500 2 1 250
        bench_grpc gw-grpc-server-grpcio "$g$book" grpcio-direct 16 8 0
    fi

    report
    if ((BROKEN > 0)); then
        log "$BROKEN target(s) could not be measured (see ERR rows)"
        exit 2
    fi
}

main "$@"
