#!/usr/bin/env bash
# Events: what an endpoint subscribed to `user.created` costs a first login, and how fast deliveries go out.
#
#  1. First logins (each a new user) without any webhook endpoint, saturated, for DURATION.
#  2. The same on a new database with one endpoint subscribed to user.created, on an instance with
#     `server.webhooks.dispatch: false`: each login writes its event in its transaction (SQLite fans the deliveries
#     out after commit), and nothing else — the added cost to a first login. Then the instance restarts with dispatch
#     on, fans the backlog out and sends it to a local receiver answering 204: deliveries per second, every event
#     exactly once.
#  3. The same with dispatch on during the logins: login throughput while this instance delivers, on the same cores
#     as the receiver, and the time until every event has arrived.
#
# Every run reports Telegate's CPU time per first login or per delivery (user + system, from /proc).
#
# With TELEGATE_BEFORE naming a binary built from before the event outbox existed (e.g. commit 2d7e199), a run 0
# first measures the same first logins on that build: the baseline every event-writing run compares with.
#
#   Benchmarks/HTTP/events.sh         # from the repository root; needs wrk (apt-get install wrk)
#
# USERS (default 80000) must exceed what DURATION of first logins takes, so that every request creates a user.
# Environment otherwise: see provider_bench.sh (DURATION, CONNECTIONS, PORT, SIM_PORT, CONFIGURATION).
USERS=${USERS:-80000}
DURATION=${DURATION:-10s}
source "$(dirname "$0")/provider_bench.sh"
bench_setup
export BENCH_WEBHOOK_SECRET="whsec_$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')"
python3 Benchmarks/HTTP/webhook_receiver.py "$SIM_PORT" &
SIMULATOR=$!
for _ in $(seq 1 100); do curl -sf "$SIM/" >/dev/null && break; sleep 0.1; done
ADAPTER="{audience: convex, algorithm: ES256}"
endpoint() { echo "    webhooks:
      - {url: \"$SIM/hooks\", secret: env:BENCH_WEBHOOK_SECRET, events: [user.created], allowInsecureLoopback: true}"; }
cpu() { python3 -c "import os,sys;f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split();print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))" "$SERVER"; }
users() { python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM users').fetchone()[0])" "$WORK/telegate.sqlite"; }
per() { python3 -c "import sys;print(f'CPU per {sys.argv[4]}: {(float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]) * 1e6:.0f} µs ({sys.argv[3]})')" "$@"; }
received() { curl -sf "$SIM/"; }
# drained START: waits until the receiver has one delivery per user, then reports the rate since START.
drained() {
  local created count distinct last
  created=$(users)
  for _ in $(seq 1 1200); do
    read -r count distinct last <<<"$(received)"
    [ "$count" -ge "$created" ] && break
    sleep 0.5
  done
  echo "users created: $created; deliveries received: $count, distinct webhook-ids: $distinct"
  python3 -c "import sys; n, start, last = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]); print(f'DELIVERED {n} in {last - start:.1f} s: {n / (last - start):.0f} deliveries/s')" "$count" "$1" "$last"
}
now() { python3 -c 'import time;print(time.monotonic())'; }

if [ -n "${TELEGATE_BEFORE:-}" ]; then
  echo "== 0. first logins on a build from before the event outbox ($TELEGATE_BEFORE), $CONNECTIONS connections"
  CURRENT=$TELEGATE TELEGATE=$TELEGATE_BEFORE
  bench_serve bench-events oidc oidc "$ADAPTER"
  BEFORE=$(cpu)
  bench_exchanges "$DURATION" "$CONNECTIONS" 0
  per "$BEFORE" "$(cpu)" "$(users)" "first login"
  bench_stop
  TELEGATE=$CURRENT
fi

echo "== 1. first logins, no webhook endpoint, $CONNECTIONS connections"
bench_serve bench-events oidc oidc "$ADAPTER"
BEFORE=$(cpu)
bench_exchanges "$DURATION" "$CONNECTIONS" 0
per "$BEFORE" "$(cpu)" "$(users)" "first login"
bench_stop

echo "== 2. first logins, one endpoint subscribed to user.created, this instance not dispatching"
bench_serve bench-events oidc oidc "$ADAPTER" "$(endpoint)"
bench_stop
sed -i 's/^server: {/server: {webhooks: {dispatch: false}, /' "$WORK/telegate.yaml"
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BEFORE=$(cpu)
bench_exchanges "$DURATION" "$CONNECTIONS" 0
per "$BEFORE" "$(cpu)" "$(users)" "first login"
echo "received while not dispatching: $(received | cut -d' ' -f1)"
bench_stop
echo "-- the same database, dispatch on: the backlog goes out"
sed -i 's/^server: {webhooks: {dispatch: false}, /server: {/' "$WORK/telegate.yaml"
START=$(now)
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BEFORE=$(cpu)
drained "$START"
per "$BEFORE" "$(cpu)" "$(users)" "delivery"
bench_stop

echo "== 3. first logins, one endpoint subscribed to user.created, delivered meanwhile by this instance"
kill "$SIMULATOR"; wait "$SIMULATOR" 2>/dev/null || true
python3 Benchmarks/HTTP/webhook_receiver.py "$SIM_PORT" &
SIMULATOR=$!
for _ in $(seq 1 100); do curl -sf "$SIM/" >/dev/null && break; sleep 0.1; done
bench_serve bench-events oidc oidc "$ADAPTER" "$(endpoint)"
START=$(now)
BEFORE=$(cpu)
bench_exchanges "$DURATION" "$CONNECTIONS" 0
echo "received when the load stopped: $(received | cut -d' ' -f1)"
drained "$START"
per "$BEFORE" "$(cpu)" "$(users)" "first login and its delivery"
bench_rss
