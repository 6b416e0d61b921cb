#!/usr/bin/env bash
# bench/profile.sh ROW...: runs bench/run.sh for each row with async-profiler attached to Archway
# (CPU samples by interval timer, Java and native frames), then prints where its event loops spent the
# time. async-profiler comes from Maven Central (tools.profiler:async-profiler), nothing is installed.
#
#   bench/profile.sh redis-get-p1 redis-get-newconn tls-handshakes
#   DURATION=8 bench/profile.sh iperf3-1
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AP_VERSION=${AP_VERSION:-4.2}
OUT=${OUT:-$BENCH_DIR/out/profiles}
mkdir -p "$OUT"
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
[[ -f $jar ]] || mvn -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >&2
lib_dir=$(mktemp -d /tmp/async-profiler.XXXXXX)
trap 'rm -rf "$lib_dir"' EXIT
(cd "$lib_dir" && unzip -q "$jar" linux-x64/libasyncProfiler.so)
for row in "$@"; do
  file="$OUT/$row.collapsed"
  rm -f "$file"
  ARCHWAY_JAVA_OPTS="${ARCHWAY_JAVA_OPTS:-} -agentpath:$lib_dir/linux-x64/libasyncProfiler.so=start,event=itimer,interval=1ms,collapsed,file=$file" \
    ROWS="$row" ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-8} "$BENCH_DIR/run.sh" >"$OUT/$row.bench.txt" 2>&1 || true
  grep -A1 '^row' "$OUT/$row.bench.txt" || tail -3 "$OUT/$row.bench.txt"
  [[ -s $file ]] && python3 "$BENCH_DIR/profile_summary.py" "$file" | tee "$OUT/$row.summary.txt"
done
