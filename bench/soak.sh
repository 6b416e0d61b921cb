#!/usr/bin/env bash
# bench/soak.sh: one Archway node under mixed load for a while, with config changes and backend
# restarts, then a check that it gave back what it took. Not a test: CI does not run it.
#
#   bench/soak.sh          # 10 minutes
#   bench/soak.sh 300      # 5 minutes (the argument is seconds)
#
# Load through the node, all at once: redis-benchmark pipelined and one connection per request,
# iperf3 in short bursts, a churn of new TCP connections (python), TLS-terminated redis with a new
# handshake per request, and HTTP to an nginx page: wrk keep-alive and wrk with a new connection per
# request through a plain http listener (the Netty-level path), and h2load over cleartext HTTP/2 (h2c)
# through an h2c listener (the Netty-level path too), each in 5 s bursts. Every 10 s a config write
# (PUT /api/pools/redis, alternating connectTimeout); every 30 s the echo backend behind the "churn"
# pool is killed and restarted. The node runs with Netty's leak detector at LEAK_LEVEL (default
# paranoid: every buffer tracked; LEAK_LEVEL=simple runs at the product's own cost). At the end: open
# file descriptors and live heap (after a full GC) against the start, LEAK lines in the log, errors in
# the node's log, and one summary line.
set -euo pipefail

DURATION=${1:-600}
BASE=${BASE_PORT:-16900}
LEAK_LEVEL=${LEAK_LEVEL:-paranoid}
REDIS=$BASE; ECHO=$((BASE + 1)); IPERF=$((BASE + 2)); PAGE=$((BASE + 3))
GW_REDIS=$((BASE + 10)); GW_CHURN=$((BASE + 11)); GW_IPERF=$((BASE + 12)); GW_TLS=$((BASE + 13)); GW_HTTP=$((BASE + 14)); GW_HTTP1=$((BASE + 15))
ADMIN=$((BASE + 20)); CLUSTER=$((BASE + 21))
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
WORK=$(mktemp -d /tmp/archway-soak.XXXXXX)
declare -A PIDS=()
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
  set +e
  for name in "${!PIDS[@]}"; do kill -TERM -- "-${PIDS[$name]}" 2>/dev/null || kill -TERM "${PIDS[$name]}" 2>/dev/null; done
  sleep 2
  for name in "${!PIDS[@]}"; do kill -KILL -- "-${PIDS[$name]}" 2>/dev/null; done
  [[ ${KEEP_WORK:-0} == 1 ]] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM

for cmd in redis-server redis-benchmark iperf3 openssl curl jcmd python3 nginx wrk h2load; do
  command -v "$cmd" >/dev/null || die "$cmd is missing (apt-get install redis-server redis-tools iperf3 openssl curl nginx wrk nghttp2-client)"
done
start_bg() { local name=$1; shift; setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null & PIDS[$name]=$!; }
wait_port() {
  local deadline=$((SECONDS + $2))
  until ss -Hltn "sport = :$1" | grep -q .; do ((SECONDS < deadline)) || return 1; sleep 0.2; done
}

# --- backends, certificate, node ---------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=soak.local \
  -addext "subjectAltName=DNS:soak.local,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
start_bg redis redis-server --bind 127.0.0.1 --port "$REDIS" --save '' --appendonly no --maxclients 4000
start_bg iperf3 iperf3 --server --bind 127.0.0.1 --port "$IPERF"
start_bg echo python3 "$BENCH_DIR/idle_conns.py" backend "$ECHO"
chmod 755 "$WORK"   # nginx workers must traverse it (mktemp makes it 0700)
mkdir -p "$WORK/www" "$WORK/nginx"
{ echo "<!doctype html><title>archway soak</title>"; head -c 600 /dev/zero | tr '\0' 'x'; echo; } >"$WORK/www/index.html"
cat >"$WORK/nginx.conf" <<EOF
user root;
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid $WORK/nginx/nginx.pid;
events { worker_connections 8000; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/client_body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_timeout 1h;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$PAGE; root $WORK/www; location / { } }
}
EOF
start_bg page nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx.conf"
for p in $REDIS $IPERF $ECHO $PAGE; do wait_port "$p" 10 || die "a backend did not start on $p"; done

pool_yaml() {  # pool_yaml CONNECT_TIMEOUT
  cat <<EOF
name: redis
connectTimeout: $1
drainTimeout: 2s
targets: [{address: "127.0.0.1:$REDIS"}]
probe: {interval: 1s, timeout: 500ms, healthyThreshold: 1}
EOF
}
cat >"$WORK/gateway.yaml" <<EOF
accessLog: {enabled: true, file: access.log}   # kept with KEEP_WORK=1, for the cause of any failure
certificates:
  - {name: soak, cert: $WORK/cert.pem, key: $WORK/key.pem}
listeners:
  - {name: redis, host: 127.0.0.1, port: $GW_REDIS, pool: redis}
  - {name: churn, host: 127.0.0.1, port: $GW_CHURN, pool: churn, idleTimeout: 30s}
  - {name: iperf, host: 127.0.0.1, port: $GW_IPERF, pool: iperf}
  - {name: redis-tls, protocol: tls, host: 127.0.0.1, port: $GW_TLS, pool: redis, tls: {certificates: [soak]}}
  - {name: web, protocol: http, host: 127.0.0.1, port: $GW_HTTP, pool: page, http2: true}
  - {name: web1, protocol: http, host: 127.0.0.1, port: $GW_HTTP1, pool: page}
pools:
  - $(pool_yaml 5s | sed '2,$s/^/    /')
  - name: churn
    retries: 0
    targets: [{address: "127.0.0.1:$ECHO"}]
    probe: {interval: 1s, timeout: 500ms, healthyThreshold: 1, unhealthyThreshold: 1}
  - name: iperf
    targets: [{address: "127.0.0.1:$IPERF"}]
    probe: {interval: 1s, timeout: 500ms, healthyThreshold: 1}
  - name: page
    protocol: http
    targets: [{address: "127.0.0.1:$PAGE"}]
    probe: {type: http, interval: 1s, timeout: 500ms, healthyThreshold: 1}
EOF
"$REPO_DIR/bin/archway" validate "$WORK/gateway.yaml" >/dev/null || die "config invalid: $("$REPO_DIR/bin/archway" validate "$WORK/gateway.yaml")"
ARCHWAY_JAVA_OPTS="${ARCHWAY_JAVA_OPTS:-} -Dio.netty.leakDetection.level=$LEAK_LEVEL" \
  start_bg node "$REPO_DIR/bin/archway" run --config "$WORK/gateway.yaml" --admin-port "$ADMIN" \
  --cluster-port "$CLUSTER" --state-dir "$WORK/state" --node-name soak
deadline=$((SECONDS + 300))
until curl -fs -o /dev/null "http://127.0.0.1:$ADMIN/readyz"; do
  ((SECONDS < deadline)) || die "node not ready: $(tail -3 "$WORK/node.log")"; sleep 0.5
done
sleep 3
NODE=${PIDS[node]}
fds() { ls "/proc/$NODE/fd" | wc -l; }
heap_kb() { jcmd "$NODE" GC.class_histogram 2>/dev/null | awk '$1 == "Total" { printf "%d", $3 / 1024 }'; }
redis-benchmark -h 127.0.0.1 -p "$GW_REDIS" -t get -n 20000 -q >/dev/null   # warm-up
FDS0=$(fds); HEAP0=$(heap_kb)
log "node ready: $FDS0 descriptors, live heap $((HEAP0 / 1024)) MiB; soaking for ${DURATION}s"

# --- load ----------------------------------------------------------------------------------------
END=$((SECONDS + DURATION))
loop() {  # loop NAME CMD...: runs CMD again and again until the end, counting runs, failures and cut runs
  local name=$1; shift
  local runs=0 failures=0 cut=0 rc
  while ((SECONDS < END)); do
    rc=0; timeout 60 "$@" >>"$WORK/$name.out" 2>&1 || rc=$?
    # 124: still going after 60 s and cut off (a slow run, at paranoid leak tracking say), not an error seen.
    if ((rc == 0)); then runs=$((runs + 1)); elif ((rc == 124)); then cut=$((cut + 1)); else failures=$((failures + 1)); fi
  done
  echo "$runs $failures $cut" >"$WORK/$name.count"
}
LOADS=()   # the load loops only: the backends and the node are background jobs too
loop redis-p16 redis-benchmark -h 127.0.0.1 -p "$GW_REDIS" -t get,set -P 16 -c 20 -n 200000 -q & LOADS+=($!)
loop redis-newconn redis-benchmark -h 127.0.0.1 -p "$GW_REDIS" -t get -c 10 -k 0 -n 5000 -q & LOADS+=($!)
loop tls-newconn redis-benchmark -h 127.0.0.1 -p "$GW_TLS" --tls --insecure -t get -c 4 -k 0 -n 500 -q & LOADS+=($!)
loop iperf iperf3 --client 127.0.0.1 --port "$GW_IPERF" --time 5 --connect-timeout 3000 & LOADS+=($!)
loop churn python3 "$BENCH_DIR/idle_conns.py" clients "$GW_CHURN" 200 0 & LOADS+=($!)
# wrk and h2load exit 0 whatever the responses were: a run fails on any error or non-2xx response.
WEB="http://127.0.0.1:$GW_HTTP/index.html"
WEB1="http://127.0.0.1:$GW_HTTP1/index.html"
loop http-keepalive bash -c "out=\$(wrk -t1 -c20 -d5s $WEB1 2>&1); echo \"\$out\"; ! grep -qE 'Non-2xx|Socket errors' <<<\"\$out\"" & LOADS+=($!)
loop http-newconn bash -c "out=\$(wrk -t1 -c4 -d5s -H 'Connection: close' $WEB1 2>&1); echo \"\$out\"; ! grep -qE 'Non-2xx|Socket errors' <<<\"\$out\"" & LOADS+=($!)
loop h2c bash -c "out=\$(h2load -c4 -m8 -D5 $WEB 2>&1); echo \"\$out\"; grep -qE ' 0 failed, 0 errored, 0 timeout' <<<\"\$out\"" & LOADS+=($!)

writes=0 write_failures=0 restarts=0 tick=0
while ((SECONDS < END)); do
  sleep 10; tick=$((tick + 10))
  timeout_value=$(( (tick / 10) % 2 == 0 ? 5 : 4 ))s
  if pool_yaml "$timeout_value" | curl -fs -o /dev/null -X PUT -H "Content-Type: application/yaml" --data-binary @- "http://127.0.0.1:$ADMIN/api/pools/redis"; then
    writes=$((writes + 1))
  else
    write_failures=$((write_failures + 1))
  fi
  if ((tick % 30 == 0)); then
    kill -TERM -- "-${PIDS[echo]}" 2>/dev/null; wait "${PIDS[echo]}" 2>/dev/null || true
    sleep 1
    start_bg echo python3 "$BENCH_DIR/idle_conns.py" backend "$ECHO"
    restarts=$((restarts + 1))
  fi
done
wait "${LOADS[@]}" 2>/dev/null || true

# --- what it gave back ---------------------------------------------------------------------------
sleep 5   # connections still closing, TIME_WAIT is the kernel's
FDS1=$(fds); HEAP1=$(heap_kb)
leaks=$(grep -c 'LEAK:' "$WORK/node.log" || true)
severe=$(grep -c ' SEVERE ' "$WORK/node.log" || true)
warnings=$(grep ' WARNING ' "$WORK/node.log" | sed -E 's/^[^ ]+ WARNING ([^:]+):.*/\1/' | sort | uniq -c | sort -rn | head -5 || true)
counts=""
NAMES="redis-p16 redis-newconn tls-newconn iperf churn http-keepalive http-newconn h2c"
for name in $NAMES; do
  read -r runs failures cut <"$WORK/$name.count"
  counts+=" $name=$runs/${failures}failed"
  ((cut == 0)) || counts+="/${cut}cut"
done
metrics=$(curl -fs "http://127.0.0.1:$ADMIN/metrics" | grep -E '^archway_(listener_(connections_total|rejected_total)|tls_handshake_failures_total)' | grep -v ' 0.0$' | tr '\n' ' ')
echo "soak ${DURATION}s (leak detection $LEAK_LEVEL): runs$counts; config writes $writes ok/$write_failures failed; backend restarts $restarts;" \
  "descriptors $FDS0 -> $FDS1; live heap $((HEAP0 / 1024)) -> $((HEAP1 / 1024)) MiB; LEAK lines $leaks; SEVERE lines $severe"
echo "node metrics at the end: $metrics"
[[ -z $warnings ]] || { echo "warnings by logger:"; echo "$warnings"; }
for name in $NAMES; do   # what the failed runs said, briefly
  errors=$(grep -iE 'error|fail|refused|reset|busy|non-2xx|timeout [1-9]' "$WORK/$name.out" | sort | uniq -c | sort -rn | head -3 || true)
  [[ -z $errors ]] || { echo "$name errors:"; echo "$errors" | cut -c1-160; }
done
