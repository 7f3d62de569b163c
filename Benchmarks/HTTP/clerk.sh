#!/usr/bin/env bash
# Warm Clerk logins through Telegate against `telegate simulate clerk`, loaded by wrk over keep-alive connections.
#
#  1. The simulator's own POST /v1/sign_in_tokens at about 500 requests/s (the upstream's latency alone).
#  2. Warm exchanges through the clerk adapter at about 500 requests/s: each is exactly one sign-in token call,
#     so Telegate's added latency is this run's percentiles minus those of run 1.
#  3. Saturated warm exchanges with 0 ms injected upstream latency.
#  4. Saturated warm exchanges with 50 ms injected upstream latency: with C connections the ceiling is
#     C / 0.05 s; reaching it means no head-of-line blocking in Telegate's upstream pool.
#
#   Benchmarks/HTTP/clerk.sh          # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: USERS (default 500), DURATION (default 20s), CONNECTIONS (default 64), PORT (18080),
# SIM_PORT (19001), CONFIGURATION (release, or debug for a quick check of the script).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USERS=${USERS:-500}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
SIM_PORT=${SIM_PORT:-19001}
CONFIGURATION=${CONFIGURATION:-release}
WORK=$(mktemp -d)
trap 'kill $SERVER $SIMULATOR 2>/dev/null || true; rm -rf "$WORK"' EXIT

swift build -c "$CONFIGURATION" --product telegate >/dev/null 2>&1
TELEGATE="$ROOT/.build/$CONFIGURATION/telegate"
SIM="http://127.0.0.1:$SIM_PORT"

export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
export CLERK_SECRET_KEY="sk_test_telegate_simulator"
export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" "$USERS" "$WORK/bodies.jsonl"

"$TELEGATE" simulate clerk --port "$SIM_PORT" >"$WORK/simulator.log" 2>&1 &
SIMULATOR=$!
for _ in $(seq 1 100); do curl -sf "$SIM/_simulator/calls" >/dev/null && break; sleep 0.1; done
# Clerk allows 1000 requests per 10 s; the benchmark measures Telegate, not that limit.
curl -sf -X PUT "$SIM/_simulator/clerk/rate_limit" -d '{"requests": 100000000, "seconds": 10}'

cat > "$WORK/telegate.yaml" <<YAML
server: {host: 127.0.0.1, port: $PORT, publicURL: "http://127.0.0.1:$PORT", rateLimit: {perClient: 0}}
database: {url: "sqlite://$WORK/telegate.sqlite"}
masterKey: env:TELEGATE_MASTER_KEY
apps:
  - id: bench-clerk
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - name: clerk
        kind: clerk
        config: {secretKey: env:CLERK_SECRET_KEY, apiURL: "$SIM", allowInsecureLoopback: true, ticketTTL: 120}
YAML
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

exchanges() {  # exchanges DURATION CONNECTIONS DELAY_MS
  BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/bench-clerk/exchange" DELAY_MS="$3" \
    wrk -t1 -c"$2" -d"$1" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$PORT" | grep RESULT
}

echo "== warm-up: first logins create $USERS Clerk users"
exchanges 10s 8 0 >/dev/null
curl -sf "$SIM/v1/users?limit=500" -H "Authorization: Bearer $CLERK_SECRET_KEY" |
  python3 -c 'import json,sys; [print(u["id"]) for u in json.load(sys.stdin)]' >"$WORK/user_ids.txt"
echo "clerk users: $(wc -l <"$WORK/user_ids.txt")"
curl -sf -X DELETE "$SIM/_simulator/calls"

echo "== 1. simulator alone: POST /v1/sign_in_tokens, 25 connections x 50 ms (about 500 requests/s)"
USER_IDS="$WORK/user_ids.txt" DELAY_MS=50 wrk -t1 -c25 -d"$DURATION" --latency -s Benchmarks/HTTP/clerk_tokens.lua "$SIM" | grep RESULT
echo "== 2. warm exchanges through Telegate, 25 connections x 50 ms (about 500 requests/s)"
curl -sf -X DELETE "$SIM/_simulator/calls"
curl -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.before"
exchanges "$DURATION" 25 50
curl -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.after"
python3 Benchmarks/HTTP/stages.py bench-clerk "$WORK/metrics.before" "$WORK/metrics.after"
echo "simulator calls during run 2: $(curl -sf "$SIM/_simulator/calls")"
echo "== 3. saturated warm exchanges, $CONNECTIONS connections, 0 ms upstream latency"
exchanges "$DURATION" "$CONNECTIONS" 0
echo "== 4. saturated warm exchanges, $CONNECTIONS connections, 50 ms upstream latency (ceiling $((CONNECTIONS * 20))/s)"
curl -sf -X POST "$SIM/_simulator/faults" -d '{"effect": "delay", "milliseconds": 50, "operation": "sign_in_token"}'
exchanges "$DURATION" "$CONNECTIONS" 0
curl -sf -X DELETE "$SIM/_simulator/faults"
echo "== peak RSS of Telegate"
grep VmHWM "/proc/$SERVER/status"
