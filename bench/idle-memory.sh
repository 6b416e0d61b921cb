#!/usr/bin/env bash
# bench/idle-memory.sh: memory each proxy spends per idle relayed connection.
#
#   bench/idle-memory.sh              # N=9000 idle connections through HAProxy, NGINX (stream) and Archway
#   N=2000 bench/idle-memory.sh       # fewer
#   ARCHWAY_JAVA_OPTS="-XX:+UseSerialGC" bench/idle-memory.sh   # try JVM settings (bin/archway honours them)
#   PROXIES=archway HISTO=1 bench/idle-memory.sh   # one column; the top of Archway's heap histogram while loaded
#   MODE=http N=10000 bench/idle-memory.sh        # idle HTTP/1.1 keep-alive client connections instead
#
# For each proxy: start it in front of one echo backend (bench/idle_conns.py), open N connections
# through it and check one echoed line on each, close them (warm-up: pools, JIT, heap growth), then
# measure its resident memory (RSS, all its processes) with nothing open, open N connections again and
# measure once more while they sit idle; the RSS at start ("fresh") is shown too, since a proxy that keeps
# what the warm-up took (HAProxy's pools) shows almost nothing over its warmed baseline. Archway's live heap is read after a full GC (jcmd) at both
# points too. Prints the per-connection difference. Each relayed connection is two sockets in the
# proxy, so N is capped at (hard file limit - 400) / 2. MODE=http holds HTTP/1.1 keep-alive client
# connections instead (each did one GET through the proxy's HTTP mode to a Python keep-alive backend),
# which cost one socket each in the proxy: N up to the hard limit - 400. A benchmark, not a test: CI
# does not run it.
set -euo pipefail

N=${N:-9000}
MODE=${MODE:-tcp}
[[ $MODE == tcp || $MODE == http ]] || { echo "MODE is tcp or http" >&2; exit 2; }
PROXIES=${PROXIES:-haproxy nginx archway}
HOLD=${HOLD:-120}            # the client gives up holding after this many seconds in any case
BACKEND_PORT=${BACKEND_PORT:-16600}
declare -A PORT=([haproxy]=16601 [nginx]=16602 [archway]=16603)
ADMIN_PORT=${ADMIN_PORT:-19190}
CLUSTER_PORT=${CLUSTER_PORT:-17801}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

hard=$(ulimit -Hn)
sockets=$([[ $MODE == http ]] && echo 1 || echo 2)   # in the proxy, per client connection
max=$(( (hard - 400) / sockets ))
if ((N > max)); then log "N=$N needs $((sockets * N + 400)) file descriptors in the proxy, the hard limit is $hard: N=$max"; N=$max; fi
ulimit -n "$hard"

WORK=$(mktemp -d /tmp/archway-idle.XXXXXX)
chmod 755 "$WORK"
declare -A PIDS=()
cleanup() {
  set +e
  for name in "${!PIDS[@]}"; do kill -TERM -- "-${PIDS[$name]}" 2>/dev/null || kill -TERM "${PIDS[$name]}" 2>/dev/null; done
  sleep 1
  for name in "${!PIDS[@]}"; do kill -KILL -- "-${PIDS[$name]}" 2>/dev/null; wait "${PIDS[$name]}" 2>/dev/null; done
  [[ ${KEEP_WORK:-0} == 1 ]] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM

start_bg() { local name=$1; shift; setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null & PIDS[$name]=$!; }
wait_port() {
  local deadline=$((SECONDS + $2))
  until ss -Hltn "sport = :$1" | grep -q .; do ((SECONDS < deadline)) || return 1; sleep 0.2; done
}
# rss_kb PID: resident memory of PID's whole process group (HAProxy and NGINX run several processes).
rss_kb() {
  local pgid; pgid=$(ps -o pgid= -p "$1" | tr -d ' ')
  ps -eo pgid=,rss= | awk -v g="$pgid" '$1 == g { s += $2 } END { print s + 0 }'
}
java_pid() { pgrep -f -P "$1" 'archway.jar' || echo "$1"; }
# heap_kb PID: Archway's live heap in KB: the total of a class histogram, which runs a full collection
# first (the same figure whatever the collector).
heap_kb() {
  jcmd "$1" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { printf "%d", $3 / 1024 }'
}

# hold PORT: opens N connections through PORT, leaves them open (client on fd 3 of this shell), returns once held.
hold() {
  rm -f "$WORK/clients.out"   # the last run's "held" line must not count for this one
  exec 3> >(exec python3 "$BENCH_DIR/idle_conns.py" "$([[ $MODE == http ]] && echo http || echo clients)" "$1" "$N" "$HOLD" >"$WORK/clients.out" 2>"$WORK/clients.err")
  local deadline=$((SECONDS + 120))
  until grep -q '^held' "$WORK/clients.out" 2>/dev/null; do
    ((SECONDS < deadline)) || die "the clients did not finish opening: $(tail -2 "$WORK/clients.err")"
    sleep 0.5
  done
  grep -q "^held $N failed 0" "$WORK/clients.out" || die "through port $1: $(cat "$WORK/clients.out") $(tail -2 "$WORK/clients.err")"
}
release() { exec 3>&-; sleep 3; }   # closing the pipe ends the client, which closes every connection

measure() {  # measure NAME: prints one table line
  local name=$1 pid=${PIDS[$1]} port=${PORT[$1]} jpid="" fresh base heap_base loaded heap_loaded
  [[ $name != archway ]] || jpid=$(java_pid "$pid")
  sleep 2; fresh=$(rss_kb "$pid")
  log "$name: warm-up with $N connections"
  hold "$port"; release
  [[ -z $jpid ]] || heap_base=$(heap_kb "$jpid")
  sleep 2; base=$(rss_kb "$pid")
  log "$name: holding $N connections"
  hold "$port"
  [[ -z $jpid ]] || heap_loaded=$(heap_kb "$jpid")
  [[ -z $jpid || ${HISTO:-0} != 1 ]] || jcmd "$jpid" GC.class_histogram | head -40 >&2
  sleep 2; loaded=$(rss_kb "$pid")
  release
  per() { awk -v a="$1" -v b="$2" -v n="$N" 'BEGIN { printf "%.2f", (b - a) * 1024 / n / 1000 }'; }
  local heap="n/a"
  [[ -z $jpid ]] || heap=$(per "$heap_base" "$heap_loaded")
  printf '| %s | %d | %d | %d | %s | %s | %s |\n' "$name" "$((fresh / 1024))" "$((base / 1024))" "$((loaded / 1024))" \
    "$(per "$fresh" "$loaded")" "$(per "$base" "$loaded")" "$heap"
}

start_bg backend python3 "$BENCH_DIR/idle_conns.py" "$([[ $MODE == http ]] && echo http-backend || echo backend)" "$BACKEND_PORT"
wait_port "$BACKEND_PORT" 10 || die "backend did not start"

cat >"$WORK/haproxy.cfg" <<EOF
global
    nbthread 2
    maxconn $((N + 100))
defaults
    mode $MODE
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout http-keep-alive 1h
    http-reuse always
frontend idle
    bind 127.0.0.1:${PORT[haproxy]}
    maxconn $((N + 100))
    default_backend idle
backend idle
    server b 127.0.0.1:$BACKEND_PORT
EOF
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes 2;
worker_rlimit_nofile $hard;
pid $WORK/nginx/nginx.pid;
events { worker_connections $((2 * N + 200)); }
stream {
    server { listen 127.0.0.1:${PORT[nginx]}; proxy_pass 127.0.0.1:$BACKEND_PORT; proxy_timeout 1h; }
}
EOF
if [[ $MODE == http ]]; then
  cat >"$WORK/nginx.conf" <<EOF
daemon off;
worker_processes 2;
worker_rlimit_nofile $hard;
pid $WORK/nginx/nginx.pid;
events { worker_connections $((N + 200)); }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_timeout 1h;
    upstream idle { server 127.0.0.1:$BACKEND_PORT; keepalive 16; }
    server {
        listen 127.0.0.1:${PORT[nginx]};
        location / { proxy_pass http://idle; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
EOF
fi
cat >"$WORK/archway.yaml" <<EOF
accessLog: {enabled: false}
listeners:
  - {name: idle, protocol: $MODE, host: 127.0.0.1, port: ${PORT[archway]}, pool: idle, idleTimeout: 1h}
pools:
  - name: idle
    protocol: $MODE
    drainTimeout: 1s
    targets: [{address: "127.0.0.1:$BACKEND_PORT"}]
    probe: {type: $MODE, interval: 1s, timeout: 500ms, healthyThreshold: 1}
EOF
[[ $MODE == http ]] || sed -i 's/^    protocol: tcp$/    idleTimeout: 1h/' "$WORK/archway.yaml"   # TCP pools have an idle timeout

echo "mode $MODE:"
echo "| proxy | RSS fresh (MiB) | RSS after warm-up (MiB) | RSS with $N connections (MiB) | per connection over fresh (KB) | per connection over warm (KB) | live heap per connection (KB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
if [[ " $PROXIES " == *" haproxy "* ]]; then
  start_bg haproxy haproxy -db -f "$WORK/haproxy.cfg"
  wait_port "${PORT[haproxy]}" 10 && measure haproxy || log "haproxy did not start: $(tail -2 "$WORK/haproxy.log")"
fi
if [[ " $PROXIES " == *" nginx "* ]]; then
  start_bg nginx nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx.conf"
  wait_port "${PORT[nginx]}" 10 && measure nginx || log "nginx did not start: $(tail -2 "$WORK/nginx/error.log")"
fi
[[ " $PROXIES " == *" archway "* ]] || exit 0
[[ -x $REPO_DIR/bin/archway ]] || die "bin/archway missing"
"$REPO_DIR/bin/archway" validate "$WORK/archway.yaml" >/dev/null || die "archway config invalid"
mkdir -p "$WORK/state"
start_bg archway "$REPO_DIR/bin/archway" run --config "$WORK/archway.yaml" --admin-port "$ADMIN_PORT" \
  --cluster-port "$CLUSTER_PORT" --state-dir "$WORK/state" --node-name idle
deadline=$((SECONDS + 120))
until curl -fs -o /dev/null "http://127.0.0.1:$ADMIN_PORT/readyz"; do
  ((SECONDS < deadline)) || die "archway not ready: $(tail -3 "$WORK/archway.log")"; sleep 0.5
done
sleep 2   # the first probe makes the target healthy
measure archway
log "JVM: $(java -version 2>&1 | head -1); ARCHWAY_JAVA_OPTS=${ARCHWAY_JAVA_OPTS:-none}"
