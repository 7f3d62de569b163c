#!/usr/bin/env bash
# The HTTP benchmark: a release build of `telegate serve`, loaded by wrk with pre-signed initData for a pool of
# warm users over keep-alive connections. For each signing algorithm it prints the saturated throughput with
# latency and the server's CPU time per exchange, then a paced run with latency and the mean time of each stage;
# finally the server's peak RSS.
#
#   Benchmarks/HTTP/run.sh            # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: USERS (default 1000), DURATION (default 20s), CONNECTIONS (default 64), PORT (default 18080).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USERS=${USERS:-1000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build -c release --product telegate >/dev/null 2>&1
TELEGATE="$ROOT/.build/release/telegate"

export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" "$USERS" "$WORK/bodies.jsonl"

cat > "$WORK/telegate.yaml" <<YAML
server: {host: 127.0.0.1, port: $PORT, publicURL: "http://127.0.0.1:$PORT", rateLimit: {perClient: 0}}
database: {url: "sqlite://$WORK/telegate.sqlite"}
masterKey: env:TELEGATE_MASTER_KEY
apps:
  - id: bench-es
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - {name: oidc, kind: oidc, config: {audience: convex, algorithm: ES256}}
  - id: bench-rs
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - {name: oidc, kind: oidc, config: {audience: convex, algorithm: RS256}}
YAML
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

load() {  # load APP DURATION CONNECTIONS DELAY_MS
  BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/$1/exchange" DELAY_MS="$4" \
    wrk -t1 -c"$3" -d"$2" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$PORT" | grep RESULT
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }  # user + system time, in clock ticks

saturated() {  # saturated APP: throughput, latency, and the server's CPU microseconds per exchange
  local before after result requests
  before=$(cpu_ticks)
  result=$(load "$1" "$DURATION" "$CONNECTIONS" 0)
  after=$(cpu_ticks)
  requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$result")
  echo "$result cpu_us_per_exchange=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
}

paced() {  # paced APP CONNECTIONS DELAY_MS: latency, and the mean time of each stage during this run only
  curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/before.prom"
  load "$1" "$DURATION" "$2" "$3"
  curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/after.prom"
  python3 Benchmarks/HTTP/stages.py "$1" "$WORK/before.prom" "$WORK/after.prom"
}

for app in bench-es bench-rs; do
  echo "== $app: warm-up (creates $USERS users)"
  load "$app" 5s 16 0 >/dev/null
  echo "== $app: saturated, $CONNECTIONS connections, $DURATION"
  saturated "$app"
done
echo "== bench-es: paced, 24 connections x 11 ms each (about 2,000 requests/s)"
paced bench-es 24 11
echo "== bench-rs: paced, 10 connections x 20 ms each (about 500 requests/s)"
paced bench-rs 10 20
echo "== peak RSS"
grep VmHWM "/proc/$SERVER/status"
