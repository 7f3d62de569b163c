#!/usr/bin/env bash
# Scale-out benchmark: exchanges/s for warm users (built-in issuer, ES256) on SQLite with one instance, and on
# PostgreSQL with one and with two instances (wrk loads each instance with half the connections, as a load balancer
# would), plus the database statements and row writes per warm exchange on PostgreSQL.
#
#   Benchmarks/HTTP/scale.sh          # from the repository root; needs wrk, and PostgreSQL binaries (initdb, pg_ctl)
#
# Each RESULT line also gives the Telegate instances' CPU time per exchange (user + system), which compares two builds
# more steadily than exchanges/s when the machine's speed drifts.
#
# Environment: USERS (default 1000), DURATION (default 20s), CONNECTIONS (default 64), PORT (default 18180).
# TELEGATE_BENCH_POSTGRES_URL uses an existing database instead of starting a throwaway server; TELEGATE=/path/to/telegate
# measures that binary instead of building this checkout (to compare two builds on one machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
USERS=${USERS:-1000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18180}
WORK=$(mktemp -d)
SERVERS=()
cleanup() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
  stop_test_postgres 2>/dev/null || true
}
# shellcheck source=../../.ci/postgres.sh
source .ci/postgres.sh
trap cleanup EXIT

if [ -z "${TELEGATE_BENCH_POSTGRES_URL:-}" ]; then
  launch_postgres "${BENCH_POSTGRES_PORT:-55532}"
  TELEGATE_BENCH_POSTGRES_URL=$LAUNCHED_URL
fi
if [ -z "${TELEGATE:-}" ]; then
  BUILD_CONFIGURATION=${BUILD_CONFIGURATION:-release}
  swift build -c "$BUILD_CONFIGURATION" --product telegate >/dev/null 2>&1
  TELEGATE="$ROOT/.build/$BUILD_CONFIGURATION/telegate"
fi

export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" "$USERS" "$WORK/bodies.jsonl"

start() {  # start NAME PORT DATABASE_URL
  cat >"$WORK/$1.yaml" <<YAML
server: {host: 127.0.0.1, port: $2, publicURL: "http://127.0.0.1:$PORT", rateLimit: {perClient: 0}}
database: {url: "$3"}
masterKey: env:TELEGATE_MASTER_KEY
apps:
  - id: bench-es
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - {name: oidc, kind: oidc, config: {audience: convex, algorithm: ES256}}
YAML
  (cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config "$1.yaml" 2>"$WORK/$1.log") &
  SERVERS+=($!)
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && return; sleep 0.1; done
  echo "$1 did not start" >&2; cat "$WORK/$1.log" >&2; exit 1
}

stop_all() {
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  SERVERS=()
}

# CPU time (user + system, clock ticks) of every Telegate instance running: per exchange it tells two builds apart
# far more steadily than throughput does on a machine whose speed drifts between runs.
server_ticks() { local total=0 pid; for pid in "${SERVERS[@]}"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$total"; }

load() {  # load DURATION CONNECTIONS PORT...: one wrk per instance, connections split evenly; prints the summed rps
  local duration=$1 connections=$2; shift 2
  local per=$(( connections / $# )) index=0 pids=() ticks_before
  ticks_before=$(server_ticks)
  for port in "$@"; do
    BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/bench-es/exchange" DELAY_MS=0 \
      wrk -t1 -c"$per" -d"$duration" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$port" \
      | grep RESULT >"$WORK/wrk.$index" &
    pids+=($!); index=$((index + 1))
  done
  wait "${pids[@]}"
  local ticks=$(( $(server_ticks) - ticks_before )) hertz
  hertz=$(getconf CLK_TCK)
  cat "$WORK"/wrk.* | awk -v ticks="$ticks" -v hertz="$hertz" '{
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      rps += v["rps"]; requests += v["requests"]; errors += v["errors_status"]; if (v["p99_ms"] > p99) p99 = v["p99_ms"]
    } END { printf "RESULT instances=%d requests=%d errors_status=%d rps=%.1f worst_p99_ms=%.3f telegate_cpu_us_per_exchange=%.1f\n",
              NR, requests, errors, rps, p99, ticks * 1e6 / hertz / requests }'
  rm -f "$WORK"/wrk.*
}

psql_value() { psql "$TELEGATE_BENCH_POSTGRES_URL" -Atc "$1"; }

# Statements (transactions: each statement outside a transaction is one) and row writes in the benchmark schema.
pg_counters() {
  psql_value "SELECT pg_stat_clear_snapshot()" >/dev/null
  psql_value "SELECT d.xact_commit + d.xact_rollback,
      COALESCE((SELECT SUM(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables WHERE schemaname = '$1'), 0)
      FROM pg_stat_database d WHERE d.datname = current_database()"
}

echo "== SQLite, 1 instance: warm-up (creates $USERS users), then saturated, $CONNECTIONS connections, $DURATION"
start sqlite "$PORT" "sqlite://$WORK/telegate.sqlite"
load 5s 16 "$PORT" >/dev/null
load "$DURATION" "$CONNECTIONS" "$PORT"
stop_all

SCHEMA="bench_$(date +%s)"
POSTGRES_URL="$TELEGATE_BENCH_POSTGRES_URL$( [[ $TELEGATE_BENCH_POSTGRES_URL == *\?* ]] && echo '&' || echo '?')schema=$SCHEMA"
echo "== PostgreSQL, 1 instance: warm-up, then saturated"
start pg-a "$PORT" "$POSTGRES_URL"
load 5s 16 "$PORT" >/dev/null
sleep 11  # idle backends report their statistics at least every 10 s
before=$(pg_counters "$SCHEMA")
result=$(load "$DURATION" "$CONNECTIONS" "$PORT")
echo "$result"
sleep 11
after=$(pg_counters "$SCHEMA")
requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$result")
python3 - "$before" "$after" "$requests" <<'PY'
import sys
before, after, requests = [list(map(int, s.split("|"))) for s in sys.argv[1:3]] + [int(sys.argv[3])]
print(f"ROUNDTRIPS statements_per_exchange={(after[0] - before[0]) / requests:.3f} "
      f"row_writes_per_exchange={(after[1] - before[1]) / requests:.3f} (over {requests} warm exchanges)")
PY

echo "== PostgreSQL, 2 instances: saturated, $CONNECTIONS connections split over both"
start pg-b "$((PORT + 1))" "$POSTGRES_URL"
load 5s 16 "$PORT" "$((PORT + 1))" >/dev/null
load "$DURATION" "$CONNECTIONS" "$PORT" "$((PORT + 1))"
stop_all
psql_value "DROP SCHEMA $SCHEMA CASCADE" >/dev/null 2>&1
