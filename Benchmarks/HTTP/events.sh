#!/usr/bin/env bash
# Events: what an endpoint subscribed to `user.created` costs a first login, and how fast deliveries drain.
#
#  1. First logins (each a new user) without any webhook endpoint, saturated, for DURATION.
#  2. The same on a new database with one endpoint subscribed to user.created (a local receiver answering 204): the
#     event and its delivery row are written in the login's transaction, and the dispatcher delivers meanwhile.
#     Then the time until every created user's event has reached the receiver, and deliveries per second.
#
# Each run also reports Telegate's CPU time per first login (user + system, from /proc), for run 2 until the last
# delivery: the cost of an event to Telegate itself, whatever the receiver on the same cores costs.
#
#   Benchmarks/HTTP/events.sh         # from the repository root; needs wrk (apt-get install wrk)
#
# USERS (default 40000) must exceed what DURATION of first logins takes, so that every request creates a user.
# Environment otherwise: see provider_bench.sh (DURATION, CONNECTIONS, PORT, SIM_PORT, CONFIGURATION).
USERS=${USERS:-40000}
DURATION=${DURATION:-10s}
source "$(dirname "$0")/provider_bench.sh"
bench_setup
export BENCH_WEBHOOK_SECRET="whsec_$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')"
python3 Benchmarks/HTTP/webhook_receiver.py "$SIM_PORT" &
SIMULATOR=$!
for _ in $(seq 1 100); do curl -sf "$SIM/" >/dev/null && break; sleep 0.1; done
ADAPTER="{audience: convex, algorithm: ES256}"
cpu() { python3 -c "import os,sys;f=open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')',1)[1].split();print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))" "$SERVER"; }
users() { python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM users').fetchone()[0])" "$WORK/telegate.sqlite"; }
per_login() { python3 -c "import sys;print(f'CPU per first login: {(float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]) * 1e6:.0f} µs ({sys.argv[3]} users)')" "$@"; }

echo "== 1. first logins, no webhook endpoint, $CONNECTIONS connections"
bench_serve bench-events oidc oidc "$ADAPTER"
BEFORE=$(cpu)
bench_exchanges "$DURATION" "$CONNECTIONS" 0
per_login "$BEFORE" "$(cpu)" "$(users)"
bench_stop

echo "== 2. first logins, one endpoint subscribed to user.created, $CONNECTIONS connections"
bench_serve bench-events oidc oidc "$ADAPTER" "    webhooks:
      - {url: \"$SIM/hooks\", secret: env:BENCH_WEBHOOK_SECRET, events: [user.created], allowInsecureLoopback: true}"
START=$(python3 -c 'import time;print(time.monotonic())')
BEFORE=$(cpu)
bench_exchanges "$DURATION" "$CONNECTIONS" 0
echo "received when the load stopped: $(curl -sf "$SIM/" | cut -d' ' -f1)"
for _ in $(seq 1 1200); do
  read -r COUNT DISTINCT LAST <<<"$(curl -sf "$SIM/")"
  CREATED=$(users)
  [ "$COUNT" -ge "$CREATED" ] && break
  sleep 0.5
done
echo "users created: $CREATED; deliveries received: $COUNT, distinct webhook-ids: $DISTINCT"
per_login "$BEFORE" "$(cpu)" "$CREATED"
python3 -c "import sys; n, start, last = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]); print(f'DELIVERED {n} in {last - start:.1f} s from the first login: {n / (last - start):.0f} deliveries/s')" "$COUNT" "$START" "$LAST"
bench_rss
