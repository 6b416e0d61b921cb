#!/usr/bin/env bash
# bench/convergence.sh: how long a config write through one node's admin API takes to be applied by
# every node of a 3-node cluster on this machine (127.0.0.2-4). A benchmark, not a test.
#
#   bench/convergence.sh              # CHANGES=20
#   CHANGES=50 bench/convergence.sh
set -euo pipefail

CHANGES=${CHANGES:-20}
BASE_PORT=${BASE_PORT:-17800}          # below the ephemeral range; admin 17800-2, cluster 17810-2
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/archway-convergence.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do timeout 30 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }
command -v python3 >/dev/null || { echo "python3 is needed to read JSON" >&2; exit 1; }

cat > "$WORK/gateway.yaml" <<YAML
accessLog: {enabled: false}
listeners:
  - {name: probe, protocol: tcp, port: $((BASE_PORT + 20)), pool: p}
pools:
  - name: p
    targets: [{address: "127.0.0.1:$((BASE_PORT + 21))"}]
    probe: {interval: 1s, timeout: 500ms}
YAML

members="127.0.0.2:$((BASE_PORT + 10)),127.0.0.3:$((BASE_PORT + 11)),127.0.0.4:$((BASE_PORT + 12))"
"$REPO_DIR/bin/archway" validate "$WORK/gateway.yaml" >/dev/null
for i in 0 1 2; do
  host="127.0.0.$((i + 2))"
  timeout 900 "$REPO_DIR/bin/archway" run --config "$WORK/gateway.yaml" --node-name "n$i" --bind-host "$host" \
    --admin-port $((BASE_PORT + i)) --cluster-port $((BASE_PORT + 10 + i)) --cluster-members "$members" \
    --state-dir "$WORK/state-$i" >"$WORK/n$i.out" 2>"$WORK/n$i.err" &
  PIDS+=($!)
done

admin="http://127.0.0.1:$BASE_PORT"   # each admin API binds loopback (admin.host)
for _ in $(seq 1 120); do
  nodes=$(curl -fs "$admin/api/cluster" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["nodes"]))' 2>/dev/null || echo 0)
  [ "$nodes" = 3 ] && break
  sleep 1
done
[ "$nodes" = 3 ] || { echo "the cluster did not form; logs in $WORK" >&2; tail -n 5 "$WORK"/n*.err >&2; exit 1; }

# The lowest applied version across the cluster, as the registry holds it: each node writes its entry
# right after it applies a version, so one read of /api/cluster sees every node's progress.
lowest_applied() {
  curl -fs "$admin/api/cluster" | python3 -c 'import json,sys; print(min(n["appliedVersion"] for n in json.load(sys.stdin)["nodes"]))'
}

times=()
put_times=()
for c in $(seq 1 "$CHANGES"); do
  start=$(date +%s%N)
  version=$(curl -fs -X PUT --data-binary "{\"targets\":[{\"address\":\"127.0.0.1:$((BASE_PORT + 21))\"}],\"connectTimeout\":\"${c}s\"}" \
    "$admin/api/pools/p" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
  put_times+=($(( ($(date +%s%N) - start) / 1000000 )))
  for _ in $(seq 1 1000); do
    [ "$(lowest_applied)" -ge "$version" ] && break
    sleep 0.005
  done
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done

summary() {
  sort -n | awk -v what="$1" '{ t[NR] = $1 } END {
    printf "%s (ms): min %d, median %d, p90 %d, max %d over %d writes\n",
      what, t[1], t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], t[NR], NR }'
}
printf '%s\n' "${put_times[@]}" | summary "the PUT answered (committed)"
printf '%s\n' "${times[@]}" | summary "applied on all 3 nodes, from the PUT to the poll that saw it (one poll ~30 ms)"
