#!/usr/bin/env bash
# The HTTP benchmark: a release build of `telegate serve`, loaded by wrk with pre-signed initData for a pool of
# warm users over keep-alive connections. Prints throughput, latency, the per-stage cost and peak RSS.
#
#   Benchmarks/HTTP/run.sh            # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: USERS (default 1000), DURATION (default 20s), CONNECTIONS (default 64).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USERS=${USERS:-1000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build -c release --product telegate >/dev/null
TELEGATE="$ROOT/.build/release/telegate"

export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
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

python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" "$USERS" "$WORK/bodies.jsonl"
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

load() {  # load APP DURATION CONNECTIONS DELAY_MS
  BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/$1/exchange" DELAY_MS="$4" \
    wrk -t1 -c"$3" -d"$2" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$PORT" | grep RESULT
}

stages() {  # mean microseconds per stage for APP, from /metrics
  curl -s "http://127.0.0.1:$PORT/metrics" | python3 -c '
import re, sys
app = sys.argv[1]; sums = {}; counts = {}
for line in sys.stdin:
    m = re.match(r"telegate_exchange_stage_seconds_(sum|count)\{app=\"%s\",stage=\"(\w+)\"\} (\S+)" % app, line)
    if m: (sums if m.group(1) == "sum" else counts)[m.group(2)] = float(m.group(3))
print(" ".join(f"{s}_us={sums[s] / counts[s] * 1e6:.1f}" for s in ("verify", "resolve", "issue") if counts.get(s)))
' "$1"
}

for app in bench-es bench-rs; do
  echo "== $app: warm-up (creates $USERS users)"
  load "$app" 5s 16 0 >/dev/null
  echo "== $app: throughput, $CONNECTIONS connections, $DURATION"
  load "$app" "$DURATION" "$CONNECTIONS" 0
  echo "== $app: stage cost (mean over all exchanges so far)"
  stages "$app"
done
echo "== bench-es: paced, 20 connections x 10 ms (about 2,000 requests/s)"
load bench-es "$DURATION" 20 10
echo "== peak RSS"
grep VmHWM "/proc/$SERVER/status"
