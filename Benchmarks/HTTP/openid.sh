#!/usr/bin/env bash
# OpenID Provider benchmark: authorization-code redemptions per second on one instance (SQLite), next to the exchange
# endpoint on the same binary. First CODES fresh codes are minted through the hosted login form (each a submitted
# form with signed initData of a distinct user: a new user, a browser session and a code), then wrk redeems each
# exactly once at POST /apps/{app}/token (a confidential client, Basic authentication, PKCE). Codes live 60 s: they
# are minted just before the redemption run, and CODES is sized for a run of about 10 s.
#
#   Benchmarks/HTTP/openid.sh         # from the repository root; needs wrk (apt-get install wrk)
#
# Each RESULT line gives successes, errors, rate, latency and the server's CPU time per request (user + system).
#
# Environment: CODES (default 20000, of which the first 100 warm the token endpoint up), CONNECTIONS (default 64), DURATION of the exchange run (default 10s), PORT
# (default 18280), ALGORITHM (the client's idTokenAlgorithm: RS256, the OpenID Connect default, ES256 or EdDSA; it
# signs both tokens of a redemption). TELEGATE=/path/to/telegate measures that binary instead of building this checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
CODES=${CODES:-20000}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
PORT=${PORT:-18280}
ALGORITHM=${ALGORITHM:-RS256}
WORK=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

if [ -z "${TELEGATE:-}" ]; then
  swift build -c release --product telegate >/dev/null 2>&1
  TELEGATE="$ROOT/.build/release/telegate"
fi

export BENCH_BOT_TOKEN="7000000042:AAbenchmarkBotSecretValue0123456789ab"
export BENCH_CLIENT_SECRET=$(python3 -c 'import secrets;print(secrets.token_urlsafe(32))')
export TELEGATE_MASTER_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())')
REDIRECT_URI="https://rp.example/callback"
VERIFIER=$(python3 -c 'import secrets;print(secrets.token_urlsafe(32))')
CSRF=$(python3 -c 'import secrets;print(secrets.token_urlsafe(32))')

cat >"$WORK/telegate.yaml" <<YAML
server: {host: 127.0.0.1, port: $PORT, publicURL: "http://127.0.0.1:$PORT", rateLimit: {perClient: 0}}
database: {url: "sqlite://$WORK/telegate.sqlite"}
masterKey: env:TELEGATE_MASTER_KEY
apps:
  - id: bench
    bots: [{token: env:BENCH_BOT_TOKEN}]
    adapters:
      - {name: oidc, kind: oidc, config: {audience: convex, algorithm: ES256}}
    clients:
      - id: rp
        secret: env:BENCH_CLIENT_SECRET
        redirectURIs: ["$REDIRECT_URI"]
        idTokenAlgorithm: $ALGORITHM
YAML
(cd "$WORK" && TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve --config telegate.yaml 2>"$WORK/server.log") &
SERVER=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "telegate did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }  # user + system time, in clock ticks

measured() {  # measured COMMAND...: runs a wrk command; appends the server's CPU microseconds per request
  local before after result requests
  before=$(cpu_ticks)
  result=$("$@" | grep RESULT)
  after=$(cpu_ticks)
  requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$result")
  echo "$result cpu_us_per_request=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
}

once() {  # once BODIES PATH EXPECT: each body posted exactly once, CONNECTIONS at a time
  BODIES="$1" URL_PATH="$2" EXPECT="$3" \
    wrk -t1 -c"$CONNECTIONS" -d120s --timeout 10s --latency -s Benchmarks/HTTP/once.lua "http://127.0.0.1:$PORT"
}

python3 Benchmarks/HTTP/login_bodies.py "$BENCH_BOT_TOKEN" "$CODES" rp "$REDIRECT_URI" "$VERIFIER" "$CSRF" "$WORK/logins.txt"
echo "== login form: $CODES submissions (new user, browser session, code), $CONNECTIONS connections"
COOKIE="telegate_csrf=$CSRF" CODES_FILE="$WORK/codes.txt" measured once "$WORK/logins.txt" /apps/bench/authorize 303

WARM=100  # the first codes warm the token endpoint up (its signing key, its connections) before the measured run
ENCODED_REDIRECT=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1],safe=""))' "$REDIRECT_URI")
grep -v '^$' "$WORK/codes.txt" | awk -v redirect="$ENCODED_REDIRECT" -v verifier="$VERIFIER" \
  '{ print "grant_type=authorization_code&code=" $0 "&redirect_uri=" redirect "&code_verifier=" verifier }' >"$WORK/all.txt"
head -n "$WARM" "$WORK/all.txt" >"$WORK/warm.txt"
tail -n +"$((WARM + 1))" "$WORK/all.txt" >"$WORK/redemptions.txt"
export AUTHORIZATION="Basic $(printf '%s' "rp:$BENCH_CLIENT_SECRET" | base64 -w0)"
once "$WORK/warm.txt" /apps/bench/token 200 >/dev/null
echo "== token endpoint: $(wc -l <"$WORK/redemptions.txt") codes, each redeemed once, $CONNECTIONS connections, tokens signed $ALGORITHM"
measured once "$WORK/redemptions.txt" /apps/bench/token 200

echo "== exchange endpoint, same binary: warm-up (creates 1000 users), then saturated, $CONNECTIONS connections, $DURATION"
python3 Benchmarks/HTTP/sign_bodies.py "$BENCH_BOT_TOKEN" 1000 "$WORK/bodies.jsonl"
exchange() {  # exchange DURATION CONNECTIONS
  BODIES="$WORK/bodies.jsonl" EXCHANGE_PATH="/v1/apps/bench/exchange" DELAY_MS=0 \
    wrk -t1 -c"$2" -d"$1" --latency -s Benchmarks/HTTP/exchange.lua "http://127.0.0.1:$PORT"
}
exchange 5s 16 >/dev/null
measured exchange "$DURATION" "$CONNECTIONS"
grep VmHWM "/proc/$SERVER/status"
