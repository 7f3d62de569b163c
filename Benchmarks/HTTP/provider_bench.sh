# Shared steps of the provider benchmarks (clerk.sh, firebase.sh, supabase.sh): sourced, not run.
#
# After `bench_setup`: ROOT, WORK (removed on exit), TELEGATE (the built binary), BENCH_BOT_TOKEN, a fresh
# TELEGATE_MASTER_KEY and $WORK/bodies.jsonl (USERS pre-signed exchange bodies). Environment: USERS (default 500),
# DURATION (20s), CONNECTIONS (64), PORT (18080), SIM_PORT (19001), CONFIGURATION (release, or debug for a quick
# check of a script), TELEGATE (a built binary to measure instead of building one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
USERS=${USERS:-500}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
SIM_PORT=${SIM_PORT:-19001}
CONFIGURATION=${CONFIGURATION:-release}
SIM="http://127.0.0.1:$SIM_PORT"
SERVER="" SIMULATOR=""
WORK=$(mktemp -d)
trap 'kill $SERVER $SIMULATOR 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Builds telegate (unless TELEGATE names a binary), signs the bodies and makes a master key.
bench_setup() {
  if [ -z "${TELEGATE:-}" ]; then
    swift build -c "$CONFIGURATION" --product telegate >/dev/null 2>&1
    TELEGATE="$ROOT/.build/$CONFIGURATION/telegate"
  fi
  export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
  export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
  python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" "$USERS" "$WORK/bodies.jsonl"
}

# bench_simulator KIND: starts `telegate simulate KIND` on SIM_PORT (its banner in $WORK/simulator.log) and waits.
bench_simulator() {
  "$TELEGATE" simulate "$1" --port "$SIM_PORT" >"$WORK/simulator.log" 2>&1 &
  SIMULATOR=$!
  for _ in $(seq 1 100); do curl -sf "$SIM/_simulator/calls" >/dev/null && break; sleep 0.1; done
}

# bench_serve APP ADAPTER_NAME KIND CONFIG [APP_YAML]: serves one app whose only adapter is ADAPTER_NAME of KIND
# with the flow-style YAML mapping CONFIG (and APP_YAML, more members of the app indented by four spaces), on a new
# SQLite database, and waits until it answers.
bench_serve() {
  BENCH_APP=$1
  rm -f "$WORK"/telegate.sqlite*
  cat > "$WORK/telegate.yaml" <<YAML
server: {host: 127.0.0.1, port: $PORT, publicURL: "http://127.0.0.1:$PORT", rateLimit: {perClient: 0}}
database: {url: "sqlite://$WORK/telegate.sqlite"}
masterKey: env:TELEGATE_MASTER_KEY
apps:
  - id: $1
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - name: $2
        kind: $3
        config: $4
${5:-}
YAML
  (cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
  echo "telegate did not start:" >&2
  cat "$WORK/server.log" >&2
  exit 1
}

# bench_exchanges DURATION CONNECTIONS DELAY_MS: wrk over the pre-signed bodies; prints its RESULT line.
bench_exchanges() {
  BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/$BENCH_APP/exchange" DELAY_MS="$3" \
    wrk -t1 -c"$2" -d"$1" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$PORT" | grep RESULT
}

# bench_measured DURATION CONNECTIONS DELAY_MS: bench_exchanges, then the stage means and Telegate's own time.
bench_measured() {
  curl -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.before"
  bench_exchanges "$@"
  curl -sf "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.after"
  python3 Benchmarks/HTTP/stages.py "$BENCH_APP" "$WORK/metrics.before" "$WORK/metrics.after"
}

# bench_stop: stops the server bench_serve started.
bench_stop() {
  kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
  SERVER=""
}

# bench_rss: Telegate's peak resident set.
bench_rss() {
  echo "== peak RSS of Telegate"
  grep VmHWM "/proc/$SERVER/status"
}
