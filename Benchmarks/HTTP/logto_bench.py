#!/usr/bin/env python3
"""Paced load for the Logto adapter: warm exchanges through Telegate, and the same two Logto calls made directly
against the simulator (the upstream floor), each at RATE requests/s from one client, so the difference of the two
latency distributions is what Telegate adds.

Usage: logto_bench.py MODE TELEGATE_URL SIMULATOR_URL BODIES RATE DURATION_S
  MODE telegate: POST /v1/apps/bench-logto/exchange with the pre-signed bodies (round-robin).
  MODE direct:   POST /api/subject-tokens then POST /oidc/token (token exchange), for the simulator's users.
Prints one line: RESULT mode=… requests=… errors=… rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=…
"""
import base64
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

THREADS = 24


def connection(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def management_token(simulator):
    conn = connection(simulator)
    basic = base64.b64encode(b"m2m-telegate:m2m-telegate-secret").decode()
    conn.request("POST", "/oidc/token", urlencode({"grant_type": "client_credentials", "resource": "https://default.logto.app/api", "scope": "all"}),
                 {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"})
    return json.loads(conn.getresponse().read())["access_token"]


def logto_users(simulator, token):
    conn = connection(simulator)
    conn.request("GET", "/api/users?search.username=tg_&page_size=100", headers={"Authorization": f"Bearer {token}"})
    return [user["id"] for user in json.loads(conn.getresponse().read())]


def main():
    mode, telegate, simulator, bodies_path, rate, duration = sys.argv[1:7]
    rate, duration = float(rate), float(duration)
    bodies = open(bodies_path).read().splitlines()
    if mode == "direct":
        token = management_token(simulator)
        users = logto_users(simulator, token)
        basic = base64.b64encode(b"telegate-exchange:telegate-exchange-secret").decode()
    latencies, errors, lock = [], [0], threading.Lock()
    start = time.monotonic() + 0.2
    interval = THREADS / rate

    def worker(index):
        conn_t = connection(telegate)
        conn_s = connection(simulator)
        n = 0
        while True:
            due = start + index * (interval / THREADS) + n * interval
            if due - start > duration:
                return
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            began = time.monotonic()
            ok = True
            try:
                if mode == "telegate":
                    conn_t.request("POST", "/v1/apps/bench-logto/exchange", bodies[(index * 7919 + n) % len(bodies)],
                                   {"Content-Type": "application/json"})
                    response = conn_t.getresponse()
                    response.read()
                    ok = response.status == 200
                else:
                    user = users[(index * 7919 + n) % len(users)]
                    conn_s.request("POST", "/api/subject-tokens", json.dumps({"userId": user, "context": {"telegram_id": 1}}),
                                   {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
                    minted = conn_s.getresponse()
                    subject = json.loads(minted.read())["subjectToken"]
                    form = urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token": subject,
                                      "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
                                      "resource": "https://api.example.com", "scope": "read:polls write:polls"})
                    conn_s.request("POST", "/oidc/token", form,
                                   {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"})
                    response = conn_s.getresponse()
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
                conn_t, conn_s = connection(telegate), connection(simulator)
            elapsed = time.monotonic() - began
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
            n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    print(f"RESULT mode={mode} requests={len(latencies)} errors={errors[0]} rps={len(latencies) / duration:.1f} "
          f"p50_ms={pct(50):.3f} p90_ms={pct(90):.3f} p99_ms={pct(99):.3f} max_ms={latencies[-1] * 1000:.3f}")


if __name__ == "__main__":
    main()
