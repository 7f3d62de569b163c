#!/usr/bin/env bash
# Firebase logins through Telegate: custom tokens are signed locally (RS256 with the service account key), so no
# login calls Google. `telegate simulate firebase` provides the service account and shows that the tokens are
# accepted; its call counter shows that the load made no call to it.
#
#  1. Warm exchanges at about 500 requests/s, with the stage means and Telegate's own time.
#  2. Saturated warm exchanges.
#
#   Benchmarks/HTTP/firebase.sh       # from the repository root; needs wrk (apt-get install wrk)
#
# Environment: see provider_bench.sh (USERS, DURATION, CONNECTIONS, PORT, SIM_PORT, CONFIGURATION).
source "$(dirname "$0")/provider_bench.sh"
bench_setup
bench_simulator firebase
# The banner's line is `  serviceAccount: {…}  (note)`: the JSON object is up to its last brace.
sed -n 's/^  serviceAccount: \(.*}\).*/\1/p' "$WORK/simulator.log" >"$WORK/service-account.json"
chmod 600 "$WORK/service-account.json"
API_KEY=$(sed -n 's/^  apiKey: *\([^ ]*\).*/\1/p' "$WORK/simulator.log")
bench_serve bench-firebase firebase firebase \
  "{serviceAccount: \"file:$WORK/service-account.json\", claims: {telegram_id: telegram_id, tg_username: username}, tokenTTL: 600}"

echo "== warm-up: first logins of $USERS users"
bench_exchanges 10s 8 0 >/dev/null
echo "== a custom token from Telegate signs in at the simulator"
head -n 1 "$WORK/bodies.jsonl" >"$WORK/one.json"
curl -sf "http://127.0.0.1:$PORT/v1/apps/$BENCH_APP/exchange" -H 'Content-Type: application/json' -d @"$WORK/one.json" |
  python3 -c 'import json,sys; print(json.dumps({"token": json.load(sys.stdin)["credential"]["customToken"], "returnSecureToken": True}))' |
  curl -sf "$SIM/v1/accounts:signInWithCustomToken?key=$API_KEY" -H 'Content-Type: application/json' -d @- |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print("signInWithCustomToken: idToken", "yes" if r.get("idToken") else "no", "expiresIn", r.get("expiresIn"))'
curl -sf -X DELETE "$SIM/_simulator/calls"
echo "== 1. warm exchanges, 25 connections x 50 ms (about 500 requests/s)"
bench_measured "$DURATION" 25 50
echo "== 2. saturated warm exchanges, $CONNECTIONS connections"
bench_measured "$DURATION" "$CONNECTIONS" 0
echo "simulator calls during runs 1 and 2: $(curl -sf "$SIM/_simulator/calls")"
bench_rss
