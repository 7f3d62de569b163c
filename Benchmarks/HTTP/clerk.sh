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
# Environment: see provider_bench.sh (USERS, DURATION, CONNECTIONS, PORT, SIM_PORT, CONFIGURATION).
source "$(dirname "$0")/provider_bench.sh"
bench_setup
export CLERK_SECRET_KEY="sk_test_telegate_simulator"
bench_simulator clerk
# Clerk allows 1000 requests per 10 s; the benchmark measures Telegate, not that limit.
curl -sf -X PUT "$SIM/_simulator/clerk/rate_limit" -d '{"requests": 100000000, "seconds": 10}'
bench_serve bench-clerk clerk clerk \
  "{secretKey: env:CLERK_SECRET_KEY, apiURL: \"$SIM\", allowInsecureLoopback: true, ticketTTL: 120}"

echo "== warm-up: first logins create $USERS Clerk users"
bench_exchanges 10s 8 0 >/dev/null
curl -sf "$SIM/v1/users?limit=500" -H "Authorization: Bearer $CLERK_SECRET_KEY" |
  python3 -c 'import json,sys; [print(u["id"]) for u in json.load(sys.stdin)]' >"$WORK/user_ids.txt"
echo "clerk users: $(wc -l <"$WORK/user_ids.txt")"
curl -sf -X DELETE "$SIM/_simulator/calls"

echo "== 1. simulator alone: POST /v1/sign_in_tokens, 25 connections x 50 ms (about 500 requests/s)"
IDS="$WORK/user_ids.txt" CALL_PATH=/v1/sign_in_tokens BODY='{"user_id":"%s","expires_in_seconds":120}' \
  HEADERS="Authorization: Bearer $CLERK_SECRET_KEY" DELAY_MS=50 \
  wrk -t1 -c25 -d"$DURATION" --latency -s Benchmarks/HTTP/upstream.lua "$SIM" | grep RESULT
echo "== 2. warm exchanges through Telegate, 25 connections x 50 ms (about 500 requests/s)"
curl -sf -X DELETE "$SIM/_simulator/calls"
bench_measured "$DURATION" 25 50
echo "simulator calls during run 2: $(curl -sf "$SIM/_simulator/calls")"
echo "== 3. saturated warm exchanges, $CONNECTIONS connections, 0 ms upstream latency"
bench_exchanges "$DURATION" "$CONNECTIONS" 0
echo "== 4. saturated warm exchanges, $CONNECTIONS connections, 50 ms upstream latency (ceiling $((CONNECTIONS * 20))/s)"
curl -sf -X POST "$SIM/_simulator/faults" -d '{"effect": "delay", "milliseconds": 50, "operation": "sign_in_token"}'
bench_exchanges "$DURATION" "$CONNECTIONS" 0
curl -sf -X DELETE "$SIM/_simulator/faults"
bench_rss
