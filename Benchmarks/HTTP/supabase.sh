#!/usr/bin/env bash
# Warm Supabase logins through Telegate against `telegate simulate supabase`, loaded by wrk over keep-alive
# connections. A warm login is one upstream call, `POST /auth/v1/admin/generate_link`.
#
#  1. The simulator's own generate_link at about 500 requests/s (the upstream's latency alone).
#  2. Warm exchanges through the supabase adapter at about 500 requests/s, with the simulator's call counts, the
#     stage means and Telegate's own time.
#  3. Saturated warm exchanges.
#
#   Benchmarks/HTTP/supabase.sh       # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: see provider_bench.sh (USERS, DURATION, CONNECTIONS, PORT, SIM_PORT, CONFIGURATION).
source "$(dirname "$0")/provider_bench.sh"
bench_setup
export SUPABASE_SERVICE_ROLE_KEY="sb_secret_telegate_simulator"
bench_simulator supabase
# The per-IP limit of Supabase Auth would otherwise be the bottleneck; the benchmark measures Telegate.
curl -sf -X PUT "$SIM/_simulator/supabase/rate_limit" -d '{"requests": 100000000, "seconds": 10}'
bench_serve bench-supabase supabase supabase \
  "{url: \"$SIM\", serviceRoleKey: env:SUPABASE_SERVICE_ROLE_KEY, emailDomain: bench.example, allowInsecureLoopback: true}"

echo "== warm-up: first logins create $USERS Supabase users"
bench_exchanges 10s 8 0 >/dev/null
curl -sf "$SIM/auth/v1/admin/users?per_page=1000" -H "apikey: $SUPABASE_SERVICE_ROLE_KEY" \
  -H "Authorization: Bearer $SUPABASE_SERVICE_ROLE_KEY" |
  python3 -c 'import json,sys; [print(u["email"]) for u in json.load(sys.stdin)["users"]]' >"$WORK/emails.txt"
echo "supabase users: $(wc -l <"$WORK/emails.txt")"

echo "== 1. simulator alone: POST /auth/v1/admin/generate_link, 25 connections x 50 ms (about 500 requests/s)"
IDS="$WORK/emails.txt" CALL_PATH=/auth/v1/admin/generate_link BODY='{"type":"magiclink","email":"%s"}' \
  HEADERS="apikey: $SUPABASE_SERVICE_ROLE_KEY|Authorization: Bearer $SUPABASE_SERVICE_ROLE_KEY" DELAY_MS=50 \
  wrk -t1 -c25 -d"$DURATION" --latency -s Benchmarks/HTTP/upstream.lua "$SIM" | grep RESULT
echo "== 2. warm exchanges through Telegate, 25 connections x 50 ms (about 500 requests/s)"
curl -sf -X DELETE "$SIM/_simulator/calls"
bench_measured "$DURATION" 25 50
echo "simulator calls during run 2: $(curl -sf "$SIM/_simulator/calls")"
echo "== 3. saturated warm exchanges, $CONNECTIONS connections"
bench_exchanges "$DURATION" "$CONNECTIONS" 0
bench_rss
