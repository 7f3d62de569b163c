#!/usr/bin/env bash
# The Logto adapter under load: a release build of `telegate serve` with a `logto` adapter pointing at
# `telegate simulate logto`. Prints the saturated rate of warm exchanges (each = a subject token and a token
# exchange at the simulator), then, paced at RATE requests/s, the latency through Telegate next to the latency of
# the same two calls made directly to the simulator: the difference is what Telegate adds.
#
#   Benchmarks/HTTP/logto.sh          # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: USERS (default 200), DURATION (default 20s), CONNECTIONS (default 32), RATE (default 300),
# PORT (default 18081), SIMULATOR_PORT (default 19002).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USERS=${USERS:-200}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
RATE=${RATE:-300}
PORT=${PORT:-18081}
SIMULATOR_PORT=${SIMULATOR_PORT:-19002}
WORK=$(mktemp -d)
trap 'kill $SERVER $SIMULATOR 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build -c release --product telegate >/dev/null 2>&1
TELEGATE="$ROOT/.build/release/telegate"

export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
export LOGTO_M2M_SECRET=m2m-telegate-secret LOGTO_EXCHANGE_SECRET=telegate-exchange-secret
python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" "$USERS" "$WORK/bodies.jsonl"

"$TELEGATE" simulate logto --port "$SIMULATOR_PORT" >"$WORK/simulator.log" 2>&1 &
SIMULATOR=$!
cat > "$WORK/telegate.yaml" <<YAML
server: {host: 127.0.0.1, port: $PORT, publicURL: "http://127.0.0.1:$PORT", rateLimit: {perClient: 0}}
database: {url: "sqlite://$WORK/telegate.sqlite"}
masterKey: env:TELEGATE_MASTER_KEY
apps:
  - id: bench-logto
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - name: logto
        kind: logto
        config:
          endpoint: "http://127.0.0.1:$SIMULATOR_PORT"
          m2mClientId: m2m-telegate
          m2mClientSecret: "env:LOGTO_M2M_SECRET"
          exchangeClientId: telegate-exchange
          exchangeClientSecret: "env:LOGTO_EXCHANGE_SECRET"
          resource: "https://api.example.com"
          scopes: ["read:polls", "write:polls"]
          allowInsecureLoopback: true
YAML
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$SIMULATOR_PORT/_simulator/calls" >/dev/null && break; sleep 0.1; done
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

load() {  # load DURATION CONNECTIONS DELAY_MS
  BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/bench-logto/exchange" DELAY_MS="$3" \
    wrk -t1 -c"$2" -d"$1" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$PORT" | grep RESULT
}

echo "== warm-up (creates $USERS Logto users)"
load 10s 8 0
curl -s -X DELETE "http://127.0.0.1:$SIMULATOR_PORT/_simulator/calls" >/dev/null
echo "== saturated warm exchanges, $CONNECTIONS connections, $DURATION"
load "$DURATION" "$CONNECTIONS" 0
echo "== simulator calls during the saturated run (two per exchange, no M2M token fetch)"
curl -s "http://127.0.0.1:$SIMULATOR_PORT/_simulator/calls"; echo
SECONDS_RUN=${DURATION%s}
echo "== paced at $RATE requests/s: through Telegate, then the same two Logto calls directly"
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/before.prom"
python3 Benchmarks/HTTP/logto_bench.py telegate "http://127.0.0.1:$PORT" "http://127.0.0.1:$SIMULATOR_PORT" "$WORK/bodies.jsonl" "$RATE" "$SECONDS_RUN"
curl -s "http://127.0.0.1:$PORT/metrics" >"$WORK/after.prom"
python3 Benchmarks/HTTP/stages.py bench-logto "$WORK/before.prom" "$WORK/after.prom"
python3 Benchmarks/HTTP/logto_bench.py direct "http://127.0.0.1:$PORT" "http://127.0.0.1:$SIMULATOR_PORT" "$WORK/bodies.jsonl" "$RATE" "$SECONDS_RUN"
echo "== peak RSS (Telegate)"
grep VmHWM "/proc/$SERVER/status"
