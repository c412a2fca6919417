# Helpers shared by the benchmark drivers Benchmarks/http/run.sh and
# Benchmarks/websocket/run.sh, which source this file right after setting
# SCRIPT_DIR (`source "$SCRIPT_DIR/../common.sh"`). Not meant to be run.
#
# It holds: logging and option parsing, installing missing Debian packages,
# building the gateway, the temp dir and the EXIT trap that stops every
# server the driver started, free ports and bounded waits for them, and the
# nginx settings and start-up both drivers use.
#
# It sets REPO_ROOT, the GATEWAY_BIN and SKIP_GATEWAY defaults, and the state
# below; a driver records each server it starts in PIDS, and may define
# stop_load (see cleanup) for the load generator it runs.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

GATEWAY_BIN="${GATEWAY_BIN:-}"
SKIP_GATEWAY="${SKIP_GATEWAY:-0}"
PORT_WAIT_SECS=15

WORK_DIR=""
PIDS=()            # every server we started, killed by PID on exit
KILL_LAST=()       # filled by stop_load: SIGKILLed once the servers are down

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The driver's header comment, from the line after #! to `set -euo`.
usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# The options both drivers take. A driver's parse_args matches its own
# options first and hands every other word here: common_option ARGS... sets
# OPTION_WORDS to how many words it used (the caller shifts them).
common_option() {
    OPTION_WORDS=1
    case "$1" in
        --gateway) [[ $# -ge 2 ]] || die "--gateway needs a path"; GATEWAY_BIN="$2"; OPTION_WORDS=2 ;;
        --gateway=*) GATEWAY_BIN="${1#*=}" ;;
        --duration) [[ $# -ge 2 ]] || die "--duration needs seconds"; DURATION="$2"; OPTION_WORDS=2 ;;
        --duration=*) DURATION="${1#*=}" ;;
        --skip-gateway) SKIP_GATEWAY=1 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
}

need_positive() { # need_positive VAR...
    local v
    for v in "$@"; do
        [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "$v must be a positive integer"
    done
}

need_non_negative() { # need_non_negative VAR...
    local v
    for v in "$@"; do
        [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer"
    done
}

# ---------------------------------------------------------------- install ---

# The Debian nginx binary lives in /usr/sbin, which is not on every user's PATH.
find_nginx() {
    command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}

# Drivers call this only with the packages that are missing, so repeated runs
# never touch apt (and never need the network).
apt_install() { # apt_install PACKAGE...
    log "installing: $*"
    local sudo=""
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root or sudo to install $*"
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
            "$@" >/dev/null || rc=$?
    fi
    ((added_policy)) && $sudo rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || die "apt-get failed (exit $rc) installing $*"
}

# ------------------------------------------------------------------ build ---

# A release build goes to .build-release, leaving the debug build in .build
# alone (see Benchmarks/README.md).
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
    log "building gateway: swift build -c release --product krakend --scratch-path .build-release"
    (cd "$REPO_ROOT" && swift build -c release --product krakend --scratch-path .build-release) >&2 \
        || die "swift build failed"
    GATEWAY_BIN="$(cd "$REPO_ROOT" && swift build -c release --scratch-path .build-release --show-bin-path)/krakend"
    [[ -x "$GATEWAY_BIN" ]] || die "built binary not found at $GATEWAY_BIN"
}

# -------------------------------------------------------------- processes ---

# Make the temp dir of this run (under TMPDIR, named PREFIX.XXXXXX) and, from
# here on, stop everything we started however the script ends.
begin_run() { # begin_run PREFIX
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
}

# The EXIT trap. A driver that runs a load generator in the background
# defines stop_load, called first: it sends the generator SIGTERM and adds to
# KILL_LAST whatever must get SIGKILL once the servers are down.
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid children=()
    if declare -F stop_load >/dev/null; then stop_load; fi
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
    for pid in "${KILL_LAST[@]}" "${children[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
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

# Run `krakend run -c DIR/krakend.json` in DIR, as one of our servers, and
# wait until it listens on PORT. Sets GW_PID.
start_gateway_in() { # start_gateway_in NAME DIR PORT
    local name="$1" dir="$2" port="$3"
    (cd "$dir" && exec "$GATEWAY_BIN" run -c "$dir/krakend.json") >"$dir/gateway.log" 2>&1 &
    GW_PID=$!
    PIDS+=($!)
    wait_for_port "$port" "$GW_PID" "$name" "$dir/gateway.log"
    log "$name listening on 127.0.0.1:$port (pid $GW_PID)"
}

# ------------------------------------------------------------------ nginx ---

# The main context of every nginx we run: in the foreground as the current
# user with every path inside DIR. WORKER_CONNECTIONS defaults to 4096;
# WORKER_RLIMIT_NOFILE is left out unless given.
nginx_common_conf() { # nginx_common_conf DIR [WORKER_CONNECTIONS [WORKER_RLIMIT_NOFILE]]
    local dir="$1" connections="${2:-4096}" nofile="${3:-}"
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
EOF
    if [[ -n "$nofile" ]]; then
        echo "worker_rlimit_nofile $nofile;"
    fi
    cat <<EOF
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $connections; }
EOF
}

# The start of every `http` block: no access log, temp files inside DIR.
nginx_http_paths() { # nginx_http_paths DIR
    local dir="$1"
    cat <<EOF
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
EOF
}

# Check CONF, start nginx on it as one of our servers, with its prefix and
# every log in DIR (-e: also what it logs before it has read CONF), and wait
# until it listens on PORT. Sets NGINX_PID.
start_nginx() { # start_nginx NAME CONF DIR PORT
    local name="$1" conf="$2" dir="$3" port="$4"
    "$NGINX" -t -q -p "$dir" -e "$dir/error.log" -c "$conf" 2>>"$dir/error.log" \
        || { tail -n 20 "$dir/error.log" >&2; die "$name: invalid nginx config"; }
    "$NGINX" -p "$dir" -e "$dir/error.log" -c "$conf" >>"$dir/stdout.log" 2>&1 &
    NGINX_PID=$!
    PIDS+=($!)
    wait_for_port "$port" "$NGINX_PID" "$name" "$dir/error.log"
    log "$name listening on 127.0.0.1:$port (pid $NGINX_PID)"
}
