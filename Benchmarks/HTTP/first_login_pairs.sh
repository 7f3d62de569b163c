#!/usr/bin/env bash
# The added cost of events to a first login, measured in pairs: PAIRS times, first logins on TELEGATE_BEFORE (a build
# from before the event outbox, e.g. commit 2d7e199) with no endpoint, then on TELEGATE with one endpoint subscribed
# to user.created and `server.webhooks.dispatch: false` (each login writes its event and nothing else). Each run is
# DURATION of saturated first logins on a new SQLite database; the pairs alternate so that the machine's drift
# (other tenants, temperature) falls on both sides. Prints every run, each pair's change and the medians.
#
#   TELEGATE=.build/release/telegate TELEGATE_BEFORE=/path/to/2d7e199/telegate Benchmarks/HTTP/first_login_pairs.sh
#
# PAIRS (default 5), USERS (80000), DURATION (10s); otherwise see provider_bench.sh.
: "${TELEGATE:?a release build to measure}" "${TELEGATE_BEFORE:?a release build from before the event outbox}"
PAIRS=${PAIRS:-5}
USERS=${USERS:-80000}
DURATION=${DURATION:-10s}
source "$(dirname "$0")/provider_bench.sh"
bench_setup
export BENCH_WEBHOOK_SECRET="whsec_$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')"
ADAPTER="{audience: convex, algorithm: ES256}"
ENDPOINT="    webhooks:
      - {url: \"http://127.0.0.1:9/hooks\", secret: env:BENCH_WEBHOOK_SECRET, events: [user.created], allowInsecureLoopback: true}"
cpu() { python3 -c "import os,sys;f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split();print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))" "$SERVER"; }
users() { python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM users').fetchone()[0])" "$WORK/telegate.sqlite"; }

# run BINARY [APP_YAML]: one run of first logins; prints "<logins/s> <CPU µs per login>".
run() {
  local current=$TELEGATE before cpu_before rps
  TELEGATE=$1
  bench_serve bench-events oidc oidc "$ADAPTER" "${2:-}" >/dev/null
  if [ -n "${2:-}" ]; then
    bench_stop
    sed -i 's/^server: {/server: {webhooks: {dispatch: false}, /' "$WORK/telegate.yaml"
    (cd "$WORK" && TELEGATE_LOG_LEVEL=warning exec "$TELEGATE" serve --config telegate.yaml >/dev/null 2>"$WORK/server.log") &
    SERVER=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  fi
  cpu_before=$(cpu)
  rps=$(bench_exchanges "$DURATION" "$CONNECTIONS" 0 | sed 's/.*rps=\([0-9.]*\).*/\1/')
  echo "$rps $(python3 -c "import sys;print(round((float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]) * 1e6))" "$cpu_before" "$(cpu)" "$(users)")"
  bench_stop
  TELEGATE=$current
}

RESULTS="$WORK/pairs"
for pair in $(seq 1 "$PAIRS"); do
  read -r before_rps before_cpu <<<"$(run "$TELEGATE_BEFORE")"
  read -r after_rps after_cpu <<<"$(run "$TELEGATE" "$ENDPOINT")"
  echo "$before_rps $before_cpu $after_rps $after_cpu" >>"$RESULTS"
  python3 -c "import sys;b,bc,a,ac=map(float,sys.argv[2:]);print(f'pair {sys.argv[1]}: before {b:.0f}/s {bc:.0f} µs, with events {a:.0f}/s {ac:.0f} µs: {100*(a-b)/b:+.1f} %')" \
    "$pair" "$before_rps" "$before_cpu" "$after_rps" "$after_cpu"
done
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
b, bc, a, ac = (statistics.median(column) for column in zip(*rows))
changes = [100 * (r[2] - r[0]) / r[0] for r in rows]
print(f"MEDIAN before {b:.0f}/s {bc:.0f} µs per login; with events {a:.0f}/s {ac:.0f} µs per login: "
      f"{100 * (a - b) / b:+.1f} % (median pair {statistics.median(changes):+.1f} %)")
PY
