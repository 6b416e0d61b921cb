#!/usr/bin/env bash
# bench/run.sh: Archway next to HAProxy and NGINX on loopback, same backends, same settings.
#
#   bench/run.sh                        # ROUNDS=3 DURATION=10 WARMUP=20: over an hour on 2 cores (it prints its estimate)
#   ROUNDS=1 DURATION=2 bench/run.sh    # smoke run, a few minutes
#   ROWS="redis-get-p16 iperf3-1" bench/run.sh   # a subset of rows
#   ARCHWAY=0 bench/run.sh              # peers only (Archway column n/a); KEEP_WORK=1 keeps logs
#   PORT_OFFSET=100 bench/run.sh        # all ports shifted when one of 16000-19999 is taken
#   ROWS="tls-redis-get-p16 tls-redis-get-newconn tls-handshakes tls-handshakes-rsa" bench/run.sh   # the TLS rows only
#   BEFORE_JAR=/tmp/old/archway.jar bench/run.sh   # adds a "before" column: that build, same run
#
# Backends: redis-server, an iperf3 server and an nginx static page. TLS rows: each proxy terminates
# TLS (one ECDSA P-256 certificate from a CA made at start, TLS 1.3) in front of the same redis, and
# for the tls-handshakes-rsa row on a second listener with an RSA-2048 certificate from the same CA;
# "direct" has no TLS listener, so its TLS cells are n/a. Columns: direct (no proxy,
# for reference), haproxy, nginx, archway. Prints the median of the rounds per row and column with
# Archway's ratio to the best peer, and writes the same table as markdown to bench/out/.
# A benchmark, not a test: CI does not run it. Everything binds 127.0.0.1 only.
set -euo pipefail

ROUNDS=${ROUNDS:-3}                      # measured rounds; the table shows their median
DURATION=${DURATION:-10}                 # seconds per measurement
# Seconds per discarded warm-up run. The JIT takes about 20 s of load to settle on the TLS and HTTP/2
# paths: with 5 s, new TLS handshakes read 0.88x the best peer where 20 s gives 0.99x (docs/benchmarks.md).
WARMUP=${WARMUP:-$((DURATION < 5 ? DURATION : 20))}
TW_MAX=${TW_MAX:-1000}                   # TIME_WAIT sockets on our ports tolerated before a connection-rate row
                                         # (health checks alone keep a few hundred; a newconn run leaves ~100k)
TW_WAIT_MAX=${TW_WAIT_MAX:-75}           # ...waited for at most this long (TIME_WAIT lasts 60s on Linux)
ARCHWAY_READY_TIMEOUT=${ARCHWAY_READY_TIMEOUT:-120}
ALL_ROWS="redis-get-p16 redis-set-p16 redis-get-p1 redis-set-p1 redis-get-newconn iperf3-1 iperf3-2 http-keepalive
  http2-h2c tls-redis-get-p16 tls-redis-get-newconn tls-handshakes tls-handshakes-rsa"
ROWS=${ROWS:-$ALL_ROWS}
COLUMNS=(direct haproxy nginx archway)
# BEFORE_JAR: an older build of Archway (its launcher/target/archway.jar, copied) measured in the same
# run as column "before", so that a change shows its before and after rows side by side.
BEFORE_JAR=${BEFORE_JAR:-}
BEFORE_NAME=${BEFORE_NAME:-}            # what BEFORE_JAR is, for the markdown (a commit, say)
[[ -z $BEFORE_JAR ]] || COLUMNS+=(before)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
OUT_DIR=${OUT_DIR:-$BENCH_DIR/out}
ARCHWAY_HTTP_PORT=18083
ARCHWAY_H2_PORT=18183

# Ports sit in 16000-19999, below the ephemeral range (32768-60999 here), so that the many
# client-side ports of the connection-rate rows never collide with a listener.
declare -A PORT=(
  [direct:redis]=16379 [direct:iperf]=16201 [direct:http]=18080 [direct:tls]="" [direct:h2]=18180 [direct:rsa]=""
  [haproxy:redis]=16380 [haproxy:iperf]=16202 [haproxy:http]=18081 [haproxy:tls]=16480 [haproxy:h2]=18181 [haproxy:rsa]=16580
  [nginx:redis]=16381 [nginx:iperf]=16203 [nginx:http]=18082 [nginx:tls]=16481 [nginx:h2]=18182 [nginx:rsa]=16581
  [archway:redis]=16382 [archway:iperf]=16204 [archway:http]=$ARCHWAY_HTTP_PORT [archway:tls]=16482 [archway:h2]=$ARCHWAY_H2_PORT [archway:rsa]=16582
)
[[ -z $BEFORE_JAR ]] || PORT+=([before:redis]=16982 [before:iperf]=16804 [before:http]=18683 [before:tls]=17082 [before:h2]=18783 [before:rsa]=17182)
ARCHWAY_ADMIN_PORT=19090
ARCHWAY_CLUSTER_PORT=17701   # not Hazelcast's 5701, which tests running on this machine may hold
PORT_OFFSET=${PORT_OFFSET:-0}   # shifts every port, e.g. 100 when a test holds one of these
for key in "${!PORT[@]}"; do [[ -z ${PORT[$key]} ]] || PORT[$key]=$((PORT[$key] + PORT_OFFSET)); done
ARCHWAY_ADMIN_PORT=$((ARCHWAY_ADMIN_PORT + PORT_OFFSET)) ARCHWAY_CLUSTER_PORT=$((ARCHWAY_CLUSTER_PORT + PORT_OFFSET))
declare -A ADMIN_PORT=([archway]=$ARCHWAY_ADMIN_PORT [before]=$((ARCHWAY_ADMIN_PORT + 1)))
declare -A CLUSTER_PORT=([archway]=$ARCHWAY_CLUSTER_PORT [before]=$((ARCHWAY_CLUSTER_PORT + 1)))
declare -A NA=()     # "column" or "column:service" -> why its cells are n/a
declare -A RATE=()   # "row:column" -> last rate, sizes the next redis-benchmark run to DURATION
declare -A PIDS=()   # name -> pid of every process this script started
RESULT="" NOTE="" CPU="" UNITS=""   # a measurement: its rate, why it is flagged, the proxy's CPU seconds, the work done
CLK_TCK=$(getconf CLK_TCK)

last_line() { sed 's/\x1b\[[0-9;]*m//g; /^\s*$/d' | tail -1 | cut -c1-80; }  # for short reasons
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------

ensure_tools() {
  local -A pkg_of=([haproxy]=haproxy [nginx]=nginx [redis-server]=redis-server [redis-benchmark]=redis-tools
    [redis-cli]=redis-tools [wrk]=wrk [h2load]=nghttp2-client [iperf3]=iperf3 [curl]=curl [ss]=iproute2 [timeout]=coreutils [openssl]=openssl)
  local missing=() cmd
  for cmd in "${!pkg_of[@]}"; do command -v "$cmd" >/dev/null || missing+=("${pkg_of[$cmd]}"); done
  [[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || missing+=(libnginx-mod-stream)
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "missing packages, install them as root: ${missing[*]}"
  log "installing ${missing[*]}"
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The nginx and haproxy packages start system services on default ports: not ours to keep running.
  systemctl disable --now nginx haproxy >/dev/null 2>&1 || true
}

# --- processes -------------------------------------------------------------------------------

# start_bg NAME CMD...: runs CMD in its own session (so its workers and children, e.g. the JVM
# behind bin/archway, share its process group) with output in WORK/NAME.log.
start_bg() {
  local name=$1; shift
  setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
  PIDS[$name]=$!
}

alive() { kill -0 "${PIDS[$1]}" 2>/dev/null; }

# cpu_ticks COLUMN: user + system clock ticks used so far by every process of the column's proxy (all
# are in the session setsid gave it: NGINX's workers, Archway's JVM); empty for "direct".
cpu_ticks() {
  local name total=0 p t
  case $1 in haproxy) name=haproxy ;; nginx) name=nginx-proxy ;; archway|before) name=$1 ;; *) return 0 ;; esac
  [[ -n ${PIDS[$name]:-} ]] || return 0
  for p in $(pgrep -s "${PIDS[$name]}"); do
    # Fields after "pid (comm) ": utime and stime are the 12th and 13th.
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

cleanup() {
  set +e
  local name pid i
  for name in archway before haproxy nginx-proxy nginx-page iperf3 redis; do   # front to back
    pid=${PIDS[$name]:-}; [[ -n $pid ]] || continue
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ((i < 100)) || log "$name still running 10s after SIGTERM: SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null   # stray workers of the group
    wait "$pid" 2>/dev/null
  done
  if [[ -n ${WORK:-} && -d $WORK ]]; then
    if [[ ${KEEP_WORK:-0} == 1 ]]; then log "logs and configs kept in $WORK"; else rm -rf "$WORK"; fi
  fi
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

wait_port() {  # wait_port NAME PORT SECONDS: until the port listens, while NAME runs
  local deadline=$((SECONDS + $3))
  until ss -Hltn "src 127.0.0.1 and sport = :$2" | grep -q .; do
    alive "$1" || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

redis_ping() { [[ $(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]; }

# render TEMPLATE OUTPUT: replaces @NAME@ placeholders with ports and the work dir.
render() {
  local args=(-e "s|@WORK@|$WORK|g") key
  for key in "${!PORT[@]}"; do
    args+=(-e "s|@$(tr 'a-z:' 'A-Z_' <<<"$key")@|${PORT[$key]:-$((18099 + PORT_OFFSET))}|g")   # empty: a port nothing uses
  done
  sed "${args[@]}" "$1" >"$2"
  ! grep -v '^\s*#' "$2" | grep -q '@[A-Z_]*@' || die "unfilled placeholder in $2"
}

# --- backends --------------------------------------------------------------------------------

# make_certs: a throwaway CA (ECDSA P-256) and two server certificates for "bench.local" (and
# 127.0.0.1), one ECDSA P-256 and one RSA-2048, in WORK/tls; HAProxy wants certificate and key in one file.
make_certs() {
  local d="$WORK/tls"
  mkdir -p "$d"
  {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
      -keyout "$d/ca-key.pem" -out "$d/ca.pem"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench.local \
      -keyout "$d/server-key.pem" -out "$d/server.csr"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 2 \
      -extfile <(echo "subjectAltName=DNS:bench.local,IP:127.0.0.1") -out "$d/server.pem"
    openssl req -newkey rsa:2048 -nodes -subj /CN=bench.local -keyout "$d/server-rsa-key.pem" -out "$d/server-rsa.csr"
    openssl x509 -req -in "$d/server-rsa.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 2 \
      -extfile <(echo "subjectAltName=DNS:bench.local,IP:127.0.0.1") -out "$d/server-rsa.pem"
  } >"$WORK/certs.log" 2>&1 || die "openssl could not make the bench certificates: $(tail -1 "$WORK/certs.log")"
  cat "$d/server.pem" "$d/server-key.pem" >"$d/server-combined.pem"
  cat "$d/server-rsa.pem" "$d/server-rsa-key.pem" >"$d/server-rsa-combined.pem"
  chmod 644 "$d"/*.pem   # nginx workers read them
}

start_redis() {
  # Servers run under "timeout 86400" too: if this script is killed with -9, they do not live forever.
  start_bg redis timeout 86400 redis-server --bind 127.0.0.1 --port "${PORT[direct:redis]}" \
    --save '' --appendonly no --protected-mode no --dir "$WORK" --daemonize no
  wait_port redis "${PORT[direct:redis]}" 10 || die "redis-server did not start: $(tail -3 "$WORK/redis.log")"
}

start_iperf3() {
  start_bg iperf3 timeout 86400 iperf3 --server --bind 127.0.0.1 --port "${PORT[direct:iperf]}"
  wait_port iperf3 "${PORT[direct:iperf]}" 10 || die "iperf3 server did not start: $(tail -3 "$WORK/iperf3.log")"
}

# nginx_start NAME: nginx with WORK/NAME.conf, its prefix and temp dirs under WORK/NAME.
nginx_start() {
  local name=$1 conf="$WORK/$1.conf"
  mkdir -p "$WORK/$name"
  timeout 10 nginx -p "$WORK/$name" -e "$WORK/$name/error.log" -c "$conf" -t >"$WORK/$name.test" 2>&1 ||
    return 1
  start_bg "$name" timeout 86400 nginx -p "$WORK/$name" -e "$WORK/$name/error.log" -c "$conf"
}

start_page() {
  # Page body: small, with a marker, compared byte for byte through every proxy before measuring.
  mkdir -p "$WORK/www"
  { echo "<!doctype html><title>archway bench</title><p>archway-bench-page</p>"; head -c 600 /dev/zero | tr '\0' 'x'; echo; } \
    >"$WORK/www/index.html"
  render "$BENCH_DIR/nginx-page.conf.in" "$WORK/nginx-page.conf"
  nginx_start nginx-page || die "nginx page config: $(cat "$WORK/nginx-page.test")"
  wait_port nginx-page "${PORT[direct:http]}" 10 || die "nginx page did not start: $(tail -3 "$WORK/nginx-page/error.log")"
}

# --- proxies: each sets NA[column] with a short reason instead of failing the run ------------

proxy_ready() {  # proxy_ready COLUMN PROCESS: its ports listen and redis answers through it
  local col=$1 name=$2 svc
  for svc in redis iperf http tls h2 rsa; do
    [[ -z ${PORT[$col:$svc]:-} ]] || wait_port "$name" "${PORT[$col:$svc]}" 15 ||
      { NA[$col]="not listening on ${PORT[$col:$svc]}"; return 1; }
  done
  local deadline=$((SECONDS + 15))
  until redis_ping "${PORT[$col:redis]}"; do
    ((SECONDS < deadline)) || { NA[$col]="no PONG through it"; return 1; }
    sleep 0.3
  done
}

start_haproxy() {
  mkdir -p "$WORK/haproxy"
  render "$BENCH_DIR/haproxy.cfg.in" "$WORK/haproxy.cfg"
  timeout 10 haproxy -c -q -f "$WORK/haproxy.cfg" >"$WORK/haproxy.test" 2>&1 ||
    { NA[haproxy]="bad config: $(head -1 "$WORK/haproxy.test")"; return 0; }
  start_bg haproxy timeout 86400 haproxy -db -f "$WORK/haproxy.cfg"   # -db: stay in the foreground
  proxy_ready haproxy haproxy || true
}

start_nginx_proxy() {
  render "$BENCH_DIR/nginx-proxy.conf.in" "$WORK/nginx-proxy.conf"
  nginx_start nginx-proxy || { NA[nginx]="bad config: $(head -1 "$WORK/nginx-proxy.test")"; return 0; }
  proxy_ready nginx nginx-proxy || true
}

start_archway() {  # start_archway [COLUMN]: "archway" (this checkout) or "before" (BEFORE_JAR)
  local col=${1:-archway} svc
  local -x ARCHWAY_JAR=""
  if [[ $col == before ]]; then
    [[ -f $BEFORE_JAR ]] || { NA[before]="BEFORE_JAR $BEFORE_JAR missing"; return 0; }
    ARCHWAY_JAR=$BEFORE_JAR
  fi
  [[ ${ARCHWAY:-1} == 1 ]] || { NA[$col]="disabled by ARCHWAY=$ARCHWAY"; return 0; }
  [[ -x $REPO_DIR/bin/archway ]] || { NA[$col]="bin/archway missing"; return 0; }
  # The same template for both builds, each with its own ports.
  local -A saved=()
  for svc in redis iperf http tls h2 rsa; do saved[$svc]=${PORT[archway:$svc]}; PORT[archway:$svc]=${PORT[$col:$svc]}; done
  render "$BENCH_DIR/archway.yaml.in" "$WORK/$col.yaml"
  for svc in redis iperf http tls h2 rsa; do PORT[archway:$svc]=${saved[$svc]}; done
  # validate first: it builds the jar if needed (minutes on 2 cores) and names config problems.
  log "$col: validating config (builds the jar if it is stale)"
  local out
  # (Maven's colour codes, printed when the jar is rebuilt, share the last line with "valid".)
  if ! out=$(timeout 900 "$REPO_DIR/bin/archway" validate "$WORK/$col.yaml" 2>&1) \
      || [[ $(tail -1 <<<"$out" | sed 's/\x1b\[[0-9;]*m//g') != valid ]]; then
    printf '%s\n' "$out" >"$WORK/$col-validate.log"
    NA[$col]="validate failed: $(last_line <<<"$out")"; return 0
  fi
  mkdir -p "$WORK/$col-state"
  start_bg "$col" timeout 86400 "$REPO_DIR/bin/archway" run --config "$WORK/$col.yaml" \
    --admin-port "${ADMIN_PORT[$col]}" --cluster-port "${CLUSTER_PORT[$col]}" \
    --state-dir "$WORK/$col-state" --node-name "bench-$col"
  local deadline=$((SECONDS + ARCHWAY_READY_TIMEOUT))
  until timeout 3 curl -fs -o /dev/null "http://127.0.0.1:${ADMIN_PORT[$col]}/readyz"; do
    alive "$col" || { NA[$col]="exited: $(last_line <"$WORK/$col.log")"; return 0; }
    ((SECONDS < deadline)) || { NA[$col]="not ready after ${ARCHWAY_READY_TIMEOUT}s"; return 0; }
    sleep 0.5
  done
  # /readyz may not wait for healthy targets; the PONG in proxy_ready does.
  proxy_ready "$col" "$col" || true
}

# check_http: the page through every column must be 200 with the original body, not an error page.
check_http() {
  local col got
  for col in "${COLUMNS[@]}"; do
    [[ -z ${NA[$col]:-} && -z ${NA[$col:http]:-} ]] || continue
    got="$WORK/page-$col.html"
    if ! timeout 10 curl -fsS --max-time 5 -o "$got" "http://127.0.0.1:${PORT[$col:http]}/index.html" 2>"$got.err"; then
      NA[$col:http]="page: $(head -c 60 "$got.err")"; log "$col: ${NA[$col:http]}"
    elif ! cmp -s "$got" "$WORK/www/index.html"; then
      NA[$col:http]="page body differs"; log "$col: ${NA[$col:http]}"
    fi
  done
}

# --- rows: each sets RESULT (a number, empty on failure) and NOTE (a flag or failure reason) -

row_label() {
  case $1 in
    redis-get-p16) echo "redis GET -P16 -c50 (req/s)" ;;
    redis-set-p16) echo "redis SET -P16 -c50 (req/s)" ;;
    redis-get-p1) echo "redis GET -P1 -c50 (req/s)" ;;
    redis-set-p1) echo "redis SET -P1 -c50 (req/s)" ;;
    redis-get-newconn) echo "redis GET, new connection per request -c50 (req/s)" ;;
    iperf3-1) echo "iperf3, 1 stream (Gbit/s)" ;;
    iperf3-2) echo "iperf3, 2 streams (Gbit/s)" ;;
    http-keepalive) echo "HTTP keep-alive, wrk -t2 -c50 (req/s)" ;;
    http2-h2c) echo "HTTP/2 cleartext (h2c), h2load -t2 -c50 -m10 (req/s)" ;;
    tls-redis-get-p16) echo "TLS-terminated redis GET -P16 -c50 (req/s)" ;;
    tls-redis-get-newconn) echo "TLS-terminated redis GET, new TLS connection per request -c50 (req/s)" ;;
    tls-handshakes) echo "new TLS handshakes, openssl s_time -new, 1 client (handshakes/s)" ;;
    tls-handshakes-rsa) echo "new TLS handshakes, RSA-2048 certificate, openssl s_time -new, 1 client (handshakes/s)" ;;
    *) die "unknown row $1 (rows: $ALL_ROWS)" ;;
  esac
}

row_service() { case $1 in tls-handshakes-rsa) echo rsa ;; tls-*) echo tls ;; redis-*) echo redis ;; iperf3-*) echo iperf ;; http-*) echo http ;; http2-*) echo h2 ;; esac; }

# redis_row ROW COL PORT SECS TEST PIPELINE KEEPALIVE [TLS]. redis-benchmark counts requests, not seconds:
# the request count comes from this cell's last rate (or a guess) so that a run lasts about SECS.
# TLS=1: over TLS, verifying the bench CA and sending SNI bench.local.
redis_row() {
  local key=$1:$2 port=$3 secs=$4 test=$5 p=$6 k=$7 tls=${8:-0} guess out
  guess=$(( p > 1 ? 400000 : (k == 1 ? 40000 : 8000) ))
  ((tls == 0 || k == 1)) || guess=1000
  local n=$(( ${RATE[$key]:-$guess} * secs )); ((n >= 2000)) || n=2000
  local tls_args=()
  ((tls == 0)) || tls_args=(--tls --cacert "$WORK/tls/ca.pem" --sni bench.local)
  out=$(timeout $((secs * 6 + 30)) redis-benchmark -h 127.0.0.1 -p "$port" -t "$test" -P "$p" -c 50 \
    -k "$k" -n "$n" "${tls_args[@]}" --csv 2>&1) || { NOTE="redis-benchmark failed: $(tail -1 <<<"$out" | cut -c1-60)"; return 0; }
  RESULT=$(awk -F'"' -v t="${test^^}" '$2 == t { printf "%d", $4 }' <<<"$out")
  UNITS=$n   # the requests made, however long they took
  [[ -n $RESULT ]] && RATE[$key]=$RESULT || NOTE="no ${test^^} line in redis-benchmark output"
}

iperf_row() {  # iperf_row PORT SECS STREAMS: receiver throughput in Gbit/s
  local out
  out=$(timeout $(($2 + 30)) iperf3 --client 127.0.0.1 --port "$1" --time "$2" --parallel "$3" \
    --format g --connect-timeout 3000 2>&1) || { NOTE="iperf3 failed: $(tail -1 <<<"$out" | cut -c1-60)"; return 0; }
  # The last "receiver" line is the sum over streams.
  RESULT=$(awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Gbits/sec") v = $(i - 1) } END { print v }' <<<"$out")
}

wrk_row() {  # wrk_row PORT SECS: requests/s; flags non-2xx answers and socket errors
  local out bad
  out=$(timeout $(($2 + 30)) wrk -t2 -c50 -d"$2s" --timeout 5s "http://127.0.0.1:$1/index.html" 2>&1) ||
    { NOTE="wrk failed: $(tail -1 <<<"$out" | cut -c1-60)"; return 0; }
  RESULT=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  [[ -z $bad ]] || NOTE="$bad non-2xx answers"
  bad=$(grep -o 'Socket errors:.*' <<<"$out" || true)
  [[ -z $bad ]] || NOTE="${NOTE:+$NOTE; }$bad"
}

h2load_row() {  # h2load_row PORT SECS: requests/s over h2c (prior knowledge); flags failed requests
  local out failed
  out=$(timeout $(($2 + 30)) h2load -t2 -c50 -m10 -D "$2" "http://127.0.0.1:$1/index.html" 2>&1) ||
    { NOTE="h2load failed: $(last_line <<<"$out")"; return 0; }
  RESULT=$(awk '/^finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") { v = $(i - 1); gsub(",", "", v); printf "%d", v } }' <<<"$out")
  failed=$(awk '/^requests:/ { for (i = 1; i <= NF; i++) if ($i == "failed,") print $(i - 1) }' <<<"$out")
  [[ -z $failed || $failed == 0 ]] || NOTE="$failed failed requests"
  [[ -n $RESULT ]] || NOTE="no rate in h2load output: $(last_line <<<"$out")"
}

handshake_row() {  # handshake_row PORT SECS: full handshakes per second of one openssl s_time client
  local out
  out=$(timeout $(($2 + 30)) openssl s_time -connect "127.0.0.1:$1" -new -time "$2" -CAfile "$WORK/tls/ca.pem" \
    -verify 1 2>&1 </dev/null) || { NOTE="openssl s_time failed: $(last_line <<<"$out")"; return 0; }
  # "N connections in T real seconds, ..." is the wall-clock figure.
  RESULT=$(awk '/connections in .* real seconds/ { printf "%d", $1 / $4 }' <<<"$out")
  [[ -n $RESULT ]] || NOTE="no rate in s_time output: $(last_line <<<"$out")"
}

# wait_time_wait: connection-rate rows start with few TIME_WAIT sockets on our ports, so that no
# column pays for the ports and hash chains the previous one left behind.
wait_time_wait() {
  local deadline=$((SECONDS + TW_WAIT_MAX)) n lo=$((16000 + PORT_OFFSET)) hi=$((19999 + PORT_OFFSET))
  while n=$(ss -Htan state time-wait "( sport >= :$lo and sport <= :$hi ) or ( dport >= :$lo and dport <= :$hi )" | wc -l)
        ((n > TW_MAX)); do
    ((SECONDS < deadline)) || { log "still $n TIME_WAIT sockets after ${TW_WAIT_MAX}s, going on"; return 0; }
    sleep 1
  done
}

# measure ROW COL SECS [warm-up]: one run, retried once on failure (e.g. an iperf3 server still
# busy). Warm-up runs skip the TIME_WAIT wait: their figures are thrown away.
measure() {
  local row=$1 col=$2 secs=$3 phase=${4:-measure} svc port try
  svc=$(row_service "$row"); port=${PORT[$col:$svc]}
  RESULT="" NOTE=""
  [[ -z ${NA[$col]:-} ]] || { NOTE=${NA[$col]}; return 0; }
  [[ -z ${NA[$col:$svc]:-} ]] || { NOTE=${NA[$col:$svc]}; return 0; }
  [[ -n $port ]] || { NOTE="no $svc listener yet"; return 0; }
  local before_ticks after_ticks
  for try in 1 2; do
    [[ ($row != *newconn* && $row != tls-handshakes*) || $phase == warm-up ]] || wait_time_wait
    RESULT="" NOTE="" CPU="" UNITS=""
    before_ticks=$(cpu_ticks "$col")
    case $row in
      redis-get-p16) redis_row "$row" "$col" "$port" "$secs" get 16 1 ;;
      redis-set-p16) redis_row "$row" "$col" "$port" "$secs" set 16 1 ;;
      redis-get-p1) redis_row "$row" "$col" "$port" "$secs" get 1 1 ;;
      redis-set-p1) redis_row "$row" "$col" "$port" "$secs" set 1 1 ;;
      redis-get-newconn) redis_row "$row" "$col" "$port" "$secs" get 1 0 ;;
      iperf3-1) iperf_row "$port" "$secs" 1 ;;
      iperf3-2) iperf_row "$port" "$secs" 2 ;;
      http-keepalive) wrk_row "$port" "$secs" ;;
      http2-h2c) h2load_row "$port" "$secs" ;;
      tls-redis-get-p16) redis_row "$row" "$col" "$port" "$secs" get 16 1 1 ;;
      tls-redis-get-newconn) redis_row "$row" "$col" "$port" "$secs" get 1 0 1 ;;
      tls-handshakes | tls-handshakes-rsa) handshake_row "$port" "$secs" ;;
    esac
    if [[ -n $RESULT ]]; then
      after_ticks=$(cpu_ticks "$col")
      [[ -n $UNITS ]] || UNITS=$(awk -v r="$RESULT" -v s="$secs" 'BEGIN { print r * s }')
      [[ -z $before_ticks ]] || CPU=$(awk -v t=$((after_ticks - before_ticks)) -v hz="$CLK_TCK" 'BEGIN { print t / hz }')
      return 0
    fi
    log "$row $col: ${NOTE:-no result}$( ((try == 2)) || echo ', retrying')"; sleep 2
  done
}

# --- table -----------------------------------------------------------------------------------

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

fmt() {  # fmt ROW VALUE
  case $1 in iperf3-*) printf '%.2f' "$2" ;; *) printf '%.0f' "$2" ;; esac
}

# ratio_cells: Archway's ratio to the best peer (and to "before"), as cells, from the caller's med[].
ratio_cells() {
  local best ratio
  best=$(printf '%s\n' "${med[haproxy]}" "${med[nginx]}" | grep . | sort -g | tail -1 || true)
  ratio="n/a"
  [[ -z ${med[archway]} || -z $best ]] || ratio=$(awk -v a="${med[archway]}" -v b="$best" 'BEGIN { printf "%.2fx", a / b }')
  printf '\t%s' "$ratio"
  if [[ -n $BEFORE_JAR ]]; then
    ratio="n/a"
    [[ -z ${med[archway]} || -z ${med[before]} ]] || ratio=$(awk -v a="${med[archway]}" -v b="${med[before]}" 'BEGIN { printf "%.2fx", a / b }')
    printf '\t%s' "$ratio"
  fi
}

# table: one TSV line per row (label, then one cell per column, then the ratio) from raw.tsv.
table() {
  local row col cell v
  printf 'row\t%s\tarchway/best peer%s\n' "$(IFS=$'\t'; echo "${COLUMNS[*]}")" "${BEFORE_JAR:+$'\t'archway/before}"
  for row in $ROWS; do
    declare -A med=()
    printf '%s' "$(row_label "$row")"
    for col in "${COLUMNS[@]}"; do
      v=$(awk -F'\t' -v r="$row" -v c="$col" '$2 == r && $3 == c && $4 != "" { print $4 }' "$WORK/raw.tsv" | median)
      med[$col]=$v
      if [[ -n $v ]]; then
        cell=$(fmt "$row" "$v")
        ! awk -F'\t' -v r="$row" -v c="$col" '$2 == r && $3 == c && $5 != "" { f = 1 } END { exit !f }' "$WORK/raw.tsv" || cell+="*"
      else
        cell="n/a ($(awk -F'\t' -v r="$row" -v c="$col" '$2 == r && $3 == c { n = $5 } END { print n }' "$WORK/raw.tsv"))"
      fi
      printf '\t%s' "$cell"
    done
    ratio_cells
    printf '\n'
    unset med
  done
}

# cpu_table: the same rows as work per CPU-second of each proxy's own processes (requests, or Gbit for
# iperf3), the median over rounds: how much each proxy spends on the same work, whatever the rate
# the shared two cores allowed in that round. Higher is better, like the rates.
cpu_table() {
  local row col v cols=() c
  for c in "${COLUMNS[@]}"; do [[ $c == direct ]] || cols+=("$c"); done
  printf 'per CPU-second of the proxy\t%s\tarchway/best peer%s\n' "$(IFS=$'\t'; echo "${cols[*]}")" "${BEFORE_JAR:+$'\t'archway/before}"
  for row in $ROWS; do
    declare -A med=()
    printf '%s' "$row"
    for col in "${cols[@]}"; do
      v=$(awk -F'\t' -v r="$row" -v c="$col" '$2 == r && $3 == c && $4 != "" && $6 > 0 { print $7 / $6 }' "$WORK/raw.tsv" | median)
      med[$col]=$v
      if [[ -n $v ]]; then printf '\t%s' "$(case $row in iperf3-*) printf '%.1f' "$v" ;; *) printf '%.0f' "$v" ;; esac)"; else printf '\tn/a'; fi
    done
    ratio_cells
    printf '\n'
    unset med
  done
}

md_table() {  # md_table TSV: a markdown table
  awk -F'\t' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line
                if (NR == 1) { line = "|"; for (i = 1; i <= NF; i++) line = line (i == 1 ? "---|" : "---:|"); print line } }' "$1"
}

write_markdown() {  # write_markdown TABLE_TSV FILE [CPU_TABLE_TSV]
  {
    echo "### Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "- machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), kernel $(uname -r), load before the run: $LOAD_BEFORE"
    echo "- $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f1-3), $(iperf3 --version | head -1 | cut -d' ' -f1-2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- archway $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'), $(java -version 2>&1 | head -1)"
    [[ -z $BEFORE_JAR ]] || echo "- before: $BEFORE_JAR${BEFORE_NAME:+ ($BEFORE_NAME)}"
    echo "- ROUNDS=$ROUNDS DURATION=${DURATION}s WARMUP=${WARMUP}s, median of rounds, column order rotated (and reversed every other round) each round; 2 threads/workers per proxy"
    echo
    md_table "$1"
    if grep -q . "$WORK/flags"; then echo; echo '\* flagged:'; sed 's/^/- /' "$WORK/flags"; fi
    if [[ -n ${3:-} ]]; then
      echo
      echo "Work per CPU-second of each proxy's own processes (user + system time, from /proc), median of rounds: requests (Gbit for iperf3) per CPU-second; higher is better."
      echo
      md_table "$3"
    fi
  } >"$2"
}

# --- main ------------------------------------------------------------------------------------

main() {
  local row col r i secs
  for row in $ROWS; do row_label "$row" >/dev/null; done
  ((DURATION >= 1 && WARMUP >= 1 && ROUNDS >= 1)) || die "DURATION, WARMUP and ROUNDS must be at least 1"
  ensure_tools
  for i in "${PORT[@]}" "${ADMIN_PORT[@]}" "${CLUSTER_PORT[@]}"; do
    [[ -z $i ]] || port_free "$i" || die "port $i is in use (ss -ltnp says by whom); try PORT_OFFSET=100"
  done
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  WORK=$(mktemp -d /tmp/archway-bench.XXXXXX)
  chmod 755 "$WORK"   # nginx workers must traverse it (mktemp makes it 0700)
  : >"$WORK/raw.tsv"; : >"$WORK/flags"
  trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
  NA[direct:tls]="redis here has no TLS listener of its own"
  NA[direct:rsa]=${NA[direct:tls]}

  log "starting backends and proxies in $WORK"
  make_certs
  start_redis; start_iperf3; start_page
  start_haproxy; start_nginx_proxy; start_archway
  [[ -z $BEFORE_JAR ]] || start_archway before
  for col in "${COLUMNS[@]}"; do log "$col: ${NA[$col]:-ready}"; done
  check_http

  local nrows tw; nrows=$(wc -w <<<"$ROWS")
  # TIME_WAIT waits: up to a minute before each measurement of a connection-rate row
  tw=$(( $(tr -s ' \n' '\n' <<<"$ROWS" | grep -c -e newconn -e '^tls-handshakes' || true) * ROUNDS * ${#COLUMNS[@]} * 60 ))
  log "warm-up ${WARMUP}s per row and column, then $ROUNDS round(s) of ${DURATION}s; about $(( (nrows * ${#COLUMNS[@]} * (WARMUP + ROUNDS * DURATION) * 12 / 10 + tw) / 60 + 1 )) min"
  for row in $ROWS; do   # equal warm-up (JIT, connection pools, caches) for every column
    for col in "${COLUMNS[@]}"; do measure "$row" "$col" "$WARMUP" warm-up; done
  done

  for ((r = 0; r < ROUNDS; r++)); do
    check_http
    local order=()
    # Rotated by one each round, and every other round backwards: which column runs right after which
    # changes too (with rotation alone, "before" followed "archway" in every round of a 5-column run).
    for ((i = 0; i < ${#COLUMNS[@]}; i++)); do order+=("${COLUMNS[(i + r) % ${#COLUMNS[@]}]}"); done
    if ((r % 2 == 1)); then
      local back=()
      for ((i = ${#order[@]} - 1; i >= 0; i--)); do back+=("${order[i]}"); done
      order=("${back[@]}")
    fi
    log "round $((r + 1))/$ROUNDS, order: ${order[*]}"
    for row in $ROWS; do
      for col in "${order[@]}"; do
        measure "$row" "$col" "$DURATION"
        log "  $row $col: ${RESULT:-n/a}${NOTE:+ ($NOTE)}"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$row" "$col" "$RESULT" "$NOTE" "$CPU" "$UNITS" >>"$WORK/raw.tsv"
        [[ -z $RESULT || -z $NOTE ]] || echo "$row, $col, round $((r + 1)): $NOTE" >>"$WORK/flags"
      done
    done
  done

  mkdir -p "$OUT_DIR"
  local stamp; stamp=$(date +%Y%m%d-%H%M%S)
  table >"$WORK/table.tsv"
  cpu_table >"$WORK/cpu.tsv"
  cp "$WORK/raw.tsv" "$OUT_DIR/raw-$stamp.tsv"
  write_markdown "$WORK/table.tsv" "$OUT_DIR/results-$stamp.md" "$WORK/cpu.tsv"
  echo
  column -t -s $'\t' "$WORK/table.tsv" 2>/dev/null || cat "$WORK/table.tsv"
  if grep -q . "$WORK/flags"; then echo; echo "* flagged:"; cat "$WORK/flags"; fi
  echo
  column -t -s $'\t' "$WORK/cpu.tsv" 2>/dev/null || cat "$WORK/cpu.tsv"
  echo; echo "markdown: $OUT_DIR/results-$stamp.md"
}

main "$@"
