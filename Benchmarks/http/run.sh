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
#   REPEAT=1           measure every target this many times, round after
#                      round, and report each one's median (req/s and p99
#                      separately): a shared machine drifts by 10-20 % over
#                      minutes, and rounds spread that drift over all targets
#
# Exit status: 0 when every target was measured (whatever the ratios are:
# a benchmark reports, it does not judge); non-zero when something could not
# be installed, built or started, or a target did not answer 200 and so
# could not be measured.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# log/die, option parsing, install, build, processes, ports, nginx: shared
# with websocket/run.sh. Sets REPO_ROOT.
source "$SCRIPT_DIR/../common.sh"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
REPEAT="${REPEAT:-1}"

WRK_PID=""         # the wrk run in progress, if any
BROKEN=0           # targets that could not be measured

parse_args() {
    while (($#)); do
        common_option "$@"
        shift "$OPTION_WORDS"
    done
    need_positive DURATION REPEAT
    need_non_negative WARMUP
}

# cleanup (common.sh) calls this first: stop the wrk run in progress.
stop_load() {
    if [[ -n "$WRK_PID" ]]; then kill -TERM "$WRK_PID" 2>/dev/null || true; fi
}

# ---------------------------------------------------------------- install ---

# Install nginx/wrk/python3/h2load only when missing.
ensure_tools() {
    local missing=()
    [[ -n "$(find_nginx)" ]] || missing+=(nginx)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
    ((${#missing[@]} == 0)) && return 0
    apt_install "${missing[@]}"
    [[ -n "$(find_nginx)" ]] || die "nginx still not found after install"
    command -v wrk >/dev/null 2>&1 || die "wrk still not found after install"
    command -v h2load >/dev/null 2>&1 || die "h2load still not found after install"
}

# ---------------------------------------------------------------- servers ---

# The http block's common part for both nginx instances (backend and proxy).
nginx_http_common() {
    nginx_http_paths "$1"
    cat <<EOF
    sendfile on;
    tcp_nodelay on;
    # Keep client connections open for the whole run: nginx's default (1000
    # requests per connection) would make wrk reconnect and measure handshakes.
    keepalive_timeout 65s;
    keepalive_requests 10000000;
EOF
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
    start_gateway_in gateway "$dir" "$GATEWAY_PORT"
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

# RESULTS holds one line per target and round: name|url|baseline|rps|p99_ms|errors
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

# One line per target: the median req/s and the median p99 of its rounds,
# the errors of all of them; ERR when any round could not be measured.
collapse_rounds() {
    local collapsed
    collapsed="$(printf '%s\n' "${RESULTS[@]}" | python3 -c '
import sys, statistics
rows = {}
for line in sys.stdin.read().splitlines():
    name, url, base, rps, p99, errs = line.split("|")
    rows.setdefault(name, [url, base, [], [], 0, False])
    row = rows[name]
    if rps == "ERR" or p99 == "ERR":
        row[5] = True
        continue
    row[2].append(float(rps)); row[3].append(float(p99))
    row[4] += int(errs) if errs.lstrip("-").isdigit() else 0
for name, (url, base, rps, p99, errs, broken) in rows.items():
    if broken or not rps:
        print(f"{name}|{url}|{base}|ERR|ERR|-")
    else:
        print(f"{name}|{url}|{base}|{statistics.median(rps):.2f}|{statistics.median(p99):.3f}|{errs}")
')"
    mapfile -t RESULTS <<<"$collapsed"
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
    local rounds=""
    ((REPEAT == 1)) || rounds="; each figure the median of $REPEAT rounds"
    echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, ${WARMUP}s warm-up, $(nproc) cores$rounds"
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

    begin_run krakend-bench

    read -r BACKEND_PORT PROXY_PORT GATEWAY_PORT GRPC_PORT GRPCIO_PORT < <(free_ports 5)
    start_backend
    start_grpcio
    start_proxy
    [[ "$SKIP_GATEWAY" == "1" ]] || start_gateway

    local round
    for ((round = 1; round <= REPEAT; round++)); do
        ((REPEAT == 1)) || log "round $round of $REPEAT"
        measure_all
    done
    collapse_rounds

    report
    if ((BROKEN > 0)); then
        log "$BROKEN target(s) could not be measured (see ERR rows)"
        exit 2
    fi
}

# Every target once, in this order.
measure_all() {
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
}

main "$@"
