#!/usr/bin/env bash
# WebSocket load benchmark: the Swift KrakenD gateway's websocket endpoints
# (multiplexed and direct) with many concurrent clients, beside an nginx
# WebSocket reverse proxy and the backend reached with no proxy, all in
# front of the same backend (Benchmarks/websocket/backend.py).
#
# Usage: bash Benchmarks/websocket/run.sh [--gateway PATH] [--clients N] [--duration SECS]
#
# Environment (all optional):
#   GATEWAY_BIN=PATH     use this krakend binary, skip `swift build`
#   SKIP_GATEWAY=1       do not build or run the gateway (checks the harness itself)
#   CLIENTS=10000        clients of the multiplexed endpoint
#   DIRECT_CLIENTS=...   clients of the direct-mode rows (gateway, nginx, no proxy);
#                        defaults to CLIENTS, capped so that a proxy holding 2 fds
#                        per client stays within `ulimit -n`
#   DURATION=10          seconds of measured echo load per row
#   WARMUP=2             seconds of echo load before the measured window
#   ROUNDS=20            fan-out rounds per row
#   PER_PROC=5000        clients per load-generator process
#   CYCLES=2             extra connect/close cycles per proxy row (memory growth)
#
# Exit status: 0 when every row was run (whatever the numbers are: a
# benchmark reports, it does not judge); non-zero when something could not be
# installed, built or started, or a proxy under test died during its row.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# log/die, option parsing, install, build, processes, ports, nginx: shared
# with http/run.sh. Sets REPO_ROOT.
source "$SCRIPT_DIR/../common.sh"

CLIENTS="${CLIENTS:-10000}"
DIRECT_CLIENTS="${DIRECT_CLIENTS:-}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
ROUNDS="${ROUNDS:-20}"
CYCLES="${CYCLES:-2}"
PER_PROC="${PER_PROC:-5000}"

BENCH_PID=""       # the driver in progress, if any

parse_args() {
    while (($#)); do
        case "$1" in
            --clients) [[ $# -ge 2 ]] || die "--clients needs a number"; CLIENTS="$2"; shift 2 ;;
            --clients=*) CLIENTS="${1#*=}"; shift ;;
            *) common_option "$@"; shift "$OPTION_WORDS" ;;
        esac
    done
    need_non_negative CYCLES
    need_positive CLIENTS DURATION ROUNDS PER_PROC
    need_non_negative WARMUP
    [[ -z "$DIRECT_CLIENTS" || "$DIRECT_CLIENTS" =~ ^[1-9][0-9]*$ ]] || die "DIRECT_CLIENTS must be a positive integer"
}

# cleanup (common.sh) calls this first: stop the driver in progress.
stop_load() {
    if [[ -n "$BENCH_PID" ]]; then
        # the driver's load generators are its children: note them before it
        # goes, and SIGKILL them all once the servers are down
        KILL_LAST+=("$BENCH_PID" $(pgrep -P "$BENCH_PID" 2>/dev/null || true))
        kill -TERM "$BENCH_PID" 2>/dev/null || true
    fi
}

# ---------------------------------------------------------------- install ---

# nginx with apt, the Python packages with pip, each only when missing, so
# repeated runs never touch a registry.
ensure_tools() {
    local missing=()
    [[ -n "$(find_nginx)" ]] || missing+=(nginx)
    command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
        [[ -n "$(find_nginx)" ]] || die "nginx still not found after install"
    fi
    # picows (Cython WebSocket framing) and uvloop keep the Python backend and
    # load generators several times faster than pure-Python `websockets`;
    # `websockets` only drives the backend's control connection.
    local pkgs=() mod
    for mod in picows uvloop orjson websockets; do
        python3 -c "import $mod" 2>/dev/null || pkgs+=("$mod")
    done
    if ((${#pkgs[@]})); then
        log "pip installing: ${pkgs[*]}"
        python3 -m pip install -q "${pkgs[@]}" >&2 || die "pip install ${pkgs[*]} failed"
    fi
}

# ---------------------------------------------------------------- servers ---

start_backend() {
    local dir="$WORK_DIR/backend"
    mkdir -p "$dir"
    python3 "$SCRIPT_DIR/backend.py" "$BACKEND_PORT" </dev/null >"$dir/backend.log" 2>&1 &
    BACKEND_PID=$!
    PIDS+=($!)
    wait_for_port "$BACKEND_PORT" "$BACKEND_PID" backend "$dir/backend.log"
    log "backend listening on 127.0.0.1:$BACKEND_PORT (pid $BACKEND_PID)"
}

# nginx as a WebSocket reverse proxy, unprivileged, everything in the temp dir.
start_proxy() {
    local dir="$WORK_DIR/nginx"
    mkdir -p "$dir"
    {
        # Each client costs a proxy 2 fds (client + backend connection).
        nginx_common_conf "$dir" $((FD_LIMIT - 100)) "$FD_LIMIT"
        echo "http {"
        nginx_http_paths "$dir"
        cat <<EOF
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://127.0.0.1:$BACKEND_PORT;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection "upgrade";
            # idle clients between the phases must not be cut at 60 s
            proxy_read_timeout 600s;
            proxy_send_timeout 600s;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_nginx nginx "$dir/nginx.conf" "$dir" "$NGINX_PORT"
}

# One gateway per mode, so that each row's RSS starts from a fresh process.
# write_buffer_size and max_message_size are raised above the defaults (1024
# and 512 bytes) only so that no benchmark message is fragmented or refused;
# every message here is well under 100 bytes.
start_gateway() { # start_gateway NAME PORT MODE(mux|direct) -> sets GW_PID
    local name="$1" port="$2" mode="$3" dir="$WORK_DIR/$1"
    mkdir -p "$dir"
    local direct=false
    [[ "$mode" == direct ]] && direct=true
    cat >"$dir/krakend.json" <<EOF
{
  "version": 3,
  "port": $port,
  "endpoints": [
    {
      "endpoint": "/$mode",
      "backend": [
        {"url_pattern": "/$mode", "host": ["ws://127.0.0.1:$BACKEND_PORT"], "disable_host_sanitize": true}
      ],
      "extra_config": {
        "websocket": {
          "enable_direct_communication": $direct,
          "max_message_size": 4096,
          "read_buffer_size": 4096,
          "write_buffer_size": 4096,
          "message_buffer_size": 256
        }
      }
    }
  ]
}
EOF
    start_gateway_in "$name" "$dir" "$port"
}

# What a process logged at warning level or above, counted and sampled.
log_summary() { # log_summary NAME FILE PATTERN
    local name="$1" file="$2" pattern="$3" count
    [[ -f "$file" ]] || return 0
    count="$(grep -E -c "$pattern" "$file" || true)"
    if ((count == 0)); then
        echo "  $name log: no warnings or errors"
    else
        echo "  $name log: $count warning/error line(s); most frequent:"
        grep -E "$pattern" "$file" | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/<uuid>/g; s/^[0-9][0-9T:.+-]+ //' \
            | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/    /'
    fi
}

# ------------------------------------------------------------------- main ---

main() {
    parse_args "$@"
    ensure_tools
    NGINX="$(find_nginx)"
    build_gateway

    # Raise the soft fd limit to the hard one: every process started below
    # inherits it.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    FD_LIMIT="$(ulimit -n)"
    [[ "$FD_LIMIT" == unlimited ]] && FD_LIMIT=1048576
    local cap=$(((FD_LIMIT - 200) / 2))
    if [[ -z "$DIRECT_CLIENTS" ]]; then
        DIRECT_CLIENTS=$((CLIENTS < cap ? CLIENTS : cap))
    fi
    if ((CLIENTS > FD_LIMIT - 200)); then
        log "warning: $CLIENTS clients exceed what one gateway process may hold (ulimit -n $FD_LIMIT)"
    fi

    begin_run krakend-wsbench

    read -r BACKEND_PORT NGINX_PORT GW_MUX_PORT GW_DIRECT_PORT < <(free_ports 4)
    start_backend
    start_proxy
    local gw_mux_pid="" gw_direct_pid=""
    if [[ "$SKIP_GATEWAY" != "1" ]]; then
        start_gateway gw-mux "$GW_MUX_PORT" mux
        gw_mux_pid=$GW_PID
        start_gateway gw-direct "$GW_DIRECT_PORT" direct
        gw_direct_pid=$GW_PID
    fi

    python3 - "$WORK_DIR/bench.json" <<PY
import json, sys
targets = []
if "$SKIP_GATEWAY" != "1":
    targets.append({"name": "gw-mux", "mode": "mux", "url": "ws://127.0.0.1:$GW_MUX_PORT/mux", "n": $CLIENTS, "pid": int("$gw_mux_pid")})
    targets.append({"name": "gw-direct", "mode": "direct", "url": "ws://127.0.0.1:$GW_DIRECT_PORT/direct", "n": $DIRECT_CLIENTS, "pid": int("$gw_direct_pid")})
targets.append({"name": "nginx", "mode": "direct", "url": "ws://127.0.0.1:$NGINX_PORT/direct", "n": $DIRECT_CLIENTS, "pid": $NGINX_PID})
targets.append({"name": "no-proxy", "mode": "direct", "url": "ws://127.0.0.1:$BACKEND_PORT/direct", "n": $DIRECT_CLIENTS, "pid": None})
json.dump({
    "control": "ws://127.0.0.1:$BACKEND_PORT/control", "backend_pid": $BACKEND_PID,
    "loadgen": "$SCRIPT_DIR/loadgen.py", "results": "$WORK_DIR/results.json",
    "per_proc": $PER_PROC, "cycles": $CYCLES, "warmup": $WARMUP, "duration": $DURATION, "rounds": $ROUNDS,
    "round_gap": 0.2, "round_timeout": 10,
    "connect_concurrency": 100, "connect_timeout": 15, "connect_budget": 60,
    "targets": targets,
}, open(sys.argv[1], "w"), indent=1)
PY
    log "clients: $CLIENTS multiplexed, $DIRECT_CLIENTS per direct-mode row (ulimit -n $FD_LIMIT per process)"
    local rc=0
    python3 "$SCRIPT_DIR/bench.py" "$WORK_DIR/bench.json" &
    BENCH_PID=$!
    wait "$BENCH_PID" || rc=$?
    BENCH_PID=""

    echo
    echo "logs:"
    if [[ "$SKIP_GATEWAY" != "1" ]]; then
        log_summary gw-mux "$WORK_DIR/gw-mux/gateway.log" '^[^ ]+ (warning|error|critical) |Fatal error|Segmentation|Illegal instruction|[Cc]rash'
        log_summary gw-direct "$WORK_DIR/gw-direct/gateway.log" '^[^ ]+ (warning|error|critical) |Fatal error|Segmentation|Illegal instruction|[Cc]rash'
    fi
    log_summary nginx "$WORK_DIR/nginx/error.log" '\[(warn|error|crit|alert|emerg)\]'
    log_summary backend "$WORK_DIR/backend/backend.log" 'Error|Exception|Traceback'
    if ((rc == 3)); then
        log "a proxy under test died during its row (see the notes above)"
        exit 3
    fi
    ((rc == 0)) || die "the benchmark driver failed (exit $rc)"
}

main "$@"
