#!/usr/bin/env bash
# Connection floods: a release `telegate serve` in quickstart mode (default connection limits: headers within 10 s,
# 10,000 connections, 256 per address) against half-open connections, with /healthz polled on a new connection every
# 20 ms throughout. Three runs, one JSON line each (Benchmarks/HTTP/connection_flood.py):
#   1. 300 half-open connections from 127.0.0.1;
#   2. 10,000 half-open connections from 127.0.0.1 (the health checks come from the same address);
#   3. 10,000 half-open connections from 40 addresses (127.0.0.10-49, 250 each: under the per-address limit, so the
#      overall limit is what holds).
#
#   Benchmarks/HTTP/flood.sh          # from the repository root; loopback only, port 8080 (quickstart's)
#
# Environment: TELEGATE (a built binary, of any version; otherwise `swift build -c release --product telegate`
# first), SERVER_NOFILE (start the server under this open-file limit, soft and hard, instead of the shell's),
# BOUND (seconds a flood connection is waited for before it counts as still open; default 60).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ -z "${TELEGATE:-}" ]; then
  swift build -c release --product telegate >/dev/null 2>&1
  TELEGATE="$ROOT/.build/release/telegate"
fi
if curl -s -o /dev/null "http://127.0.0.1:8080/healthz"; then
  echo "something already listens on 127.0.0.1:8080" >&2
  exit 1
fi

ulimit -n "$(ulimit -Hn)"   # for the client; the server raises its own limit at start
(
  cd "$WORK"
  if [ -n "${SERVER_NOFILE:-}" ]; then ulimit -n "$SERVER_NOFILE"; fi
  TELEGATE_LOG_LEVEL=${TELEGATE_LOG_LEVEL:-warning} exec "$TELEGATE" serve >"$WORK/server.out" 2>"$WORK/server.log"
) &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:8080/healthz" >/dev/null && break; sleep 0.1; done
echo "server: pid $SERVER, open-file limit $(awk '/Max open files/ {print $4}' "/proc/$SERVER/limits")"

flood() { python3 Benchmarks/HTTP/connection_flood.py 8080 "$SERVER" --bound "${BOUND:-60}" "$@"; }
flood --connections 300 --label "300 half-open, one address"
flood --connections 10000 --label "10k half-open, one address"
flood --connections 10000 --addresses 40 --label "10k half-open, 40 addresses"
echo "server: $(grep -c "connection limit reached" "$WORK/server.log" || true) limit-reached warnings logged, $(grep VmHWM "/proc/$SERVER/status" | tr -s ' \t' ' ')"
