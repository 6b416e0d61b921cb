#!/usr/bin/env bash
# bench/tls-sni-flood.sh: 100,000 TLS handshakes, each with a random server name no certificate
# carries, against a TLS listener; fails if the heap grows (a context cached per unknown name, as in
# vertx-core 5.0.7-5.0.11, would). Runs SniFloodTest under both TLS engines; takes several minutes.
#
#   bench/tls-sni-flood.sh            # 100000 handshakes per engine
#   HANDSHAKES=20000 bench/tls-sni-flood.sh
set -euo pipefail
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HANDSHAKES=${HANDSHAKES:-100000}
cd "$REPO_DIR"
for engine in jdk openssl; do
  echo "== engine $engine, $HANDSHAKES handshakes" >&2
  mvn -B -o -q -pl proxy-verticle test -Dtest=SniFloodTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Darchway.sniFlood="$HANDSHAKES" -Darchway.tls.engine="$engine" ||
    status=1
  grep -h 'TLS engine\|SNI flood' proxy-verticle/target/surefire-reports/io.archway.proxy.tls.SniFloodTest-output.txt >&2 || true
done
exit "${status:-0}"
