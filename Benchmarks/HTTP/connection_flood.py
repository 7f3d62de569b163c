#!/usr/bin/env python3
"""Half-open connection floods against a running Telegate on loopback, with /healthz polled throughout.

    connection_flood.py PORT SERVER_PID [--connections N] [--addresses K] [--label TEXT]

Opens N connections (spread over K source addresses 127.0.0.10, 127.0.0.11, ...; K=1 uses 127.0.0.1), each sending
half a request and then nothing, and waits until the server has closed every one of them. Meanwhile a thread asks
GET /healthz on a new connection from 127.0.0.1 every 20 ms, as a load balancer's probe would. Prints one JSON
line: the health checks' success rate and latency percentiles, how long until every flood connection was closed,
the server's closes by reason (from /metrics), and its peak descriptors and RSS. Loopback only; bounded in time.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import socket
import threading
import time

HALF_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: telegate\r\nX-Half: "
PROBE = b"GET /healthz HTTP/1.1\r\nHost: telegate\r\nConnection: close\r\n\r\n"


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 2)


def probe(port, timeout=2.0):
    """One health check on a new connection: (ok, seconds)."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.settimeout(max(0.01, timeout - (time.monotonic() - start)))
            conn.sendall(PROBE)
            reply = b""
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply.startswith(b"HTTP/1.1 200") and reply.endswith(b'"ok"}'), time.monotonic() - start
    except OSError:
        return False, time.monotonic() - start


class Poller(threading.Thread):
    """Polls /healthz every `interval` seconds until stopped."""

    def __init__(self, port, interval=0.02):
        super().__init__(daemon=True)
        self.port, self.interval = port, interval
        self.results = []  # (time, ok, seconds)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            ok, seconds = probe(self.port)
            self.results.append((time.monotonic(), ok, seconds))
            self.stopping.wait(self.interval)

    def summary(self):
        latencies = [s for _, ok, s in self.results if ok]
        failures = [t for t, ok, _ in self.results if not ok]
        # The longest time without an answer: from one successful check's end to the next one's.
        answered = [t for t, ok, _ in self.results if ok]
        gaps = [b - a for a, b in zip(answered, answered[1:])]
        return {
            "checks": len(self.results),
            "ok": len(latencies),
            "success_rate": round(len(latencies) / len(self.results), 4) if self.results else None,
            "p50_ms": ms(percentile(latencies, 0.50)),
            "p90_ms": ms(percentile(latencies, 0.90)),
            "p99_ms": ms(percentile(latencies, 0.99)),
            "max_ms": ms(max(latencies) if latencies else None),
            "failures": len(failures),
            "longest_gap_s": round(max(gaps), 2) if gaps else None,
        }


class Sampler(threading.Thread):
    """Samples the server's open descriptors and RSS every 100 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_fds = 0
        self.peak_rss_kb = 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.peak_fds = max(self.peak_fds, len(os.listdir(f"/proc/{self.pid}/fd")))
                with open(f"/proc/{self.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
            except OSError:
                pass
            self.stopping.wait(0.1)


def closes_by_reason(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET /metrics HTTP/1.1\r\nHost: telegate\r\nConnection: close\r\n\r\n")
        text = b""
        while chunk := conn.recv(65536):
            text += chunk
    return {
        match.group(1).decode(): int(match.group(2))
        for match in re.finditer(rb'telegate_connections_closed_total\{reason="([a-z_]+)"\} (\d+)', text)
    } | {"_open": int(m.group(1)) for m in re.finditer(rb"\ntelegate_connections_open (\d+)", text)}


async def half_open(port, source, started, deadline, gate):
    """One flood connection: its lifetime in seconds (until the server closed it), or an error name."""
    async with gate:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0)), timeout=10)
        except (OSError, asyncio.TimeoutError) as error:
            return type(error).__name__
    opened = time.monotonic()
    try:
        writer.write(HALF_REQUEST)
        await writer.drain()
        remaining = deadline - time.monotonic()
        data = await asyncio.wait_for(reader.read(1), timeout=max(0.1, remaining))
        return ("answered" if data else time.monotonic() - opened), opened - started
    except asyncio.TimeoutError:  # before OSError, of which it is a subclass
        return "still_open"
    except OSError:
        return time.monotonic() - opened, opened - started
    finally:
        writer.close()


async def flood(port, connections, addresses, bound):
    sources = ["127.0.0.1"] if addresses == 1 else [f"127.0.0.{10 + i}" for i in range(addresses)]
    started = time.monotonic()
    gate = asyncio.Semaphore(1000)  # connection attempts in flight at once
    tasks = [
        asyncio.create_task(half_open(port, sources[i % len(sources)], started, started + bound, gate))
        for i in range(connections)
    ]
    results = await asyncio.gather(*tasks)
    return results, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("pid", type=int)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--addresses", type=int, default=1)
    parser.add_argument("--bound", type=float, default=90, help="seconds a flood connection may stay open")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    assert 1 <= args.connections <= 20_000 and 1 <= args.addresses <= 200

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    before = closes_by_reason(args.port)
    poller, sampler = Poller(args.port), Sampler(args.pid)
    poller.start()
    sampler.start()
    time.sleep(1)  # a baseline of health checks before the flood
    results, elapsed = asyncio.run(flood(args.port, args.connections, args.addresses, args.bound))
    time.sleep(1)
    poller.stopping.set()
    sampler.stopping.set()
    poller.join()
    sampler.join()
    after = closes_by_reason(args.port)

    lifetimes = [r[0] for r in results if isinstance(r, tuple) and isinstance(r[0], float)]
    closed_at = [r[0] + r[1] for r in results if isinstance(r, tuple) and isinstance(r[0], float)]
    outcomes = {}
    for r in results:
        key = r if isinstance(r, str) else (r[0] if isinstance(r[0], str) else "closed_by_server")
        outcomes[key] = outcomes.get(key, 0) + 1
    print(json.dumps({
        "label": args.label,
        "connections": args.connections,
        "source_addresses": args.addresses,
        "outcomes": outcomes,
        "all_closed_after_s": round(max(closed_at), 2) if closed_at else None,
        "lifetime_p50_s": round(percentile(lifetimes, 0.5), 3) if lifetimes else None,
        "lifetime_max_s": round(max(lifetimes), 3) if lifetimes else None,
        "flood_elapsed_s": round(elapsed, 2),
        "healthz": poller.summary(),
        "server_closes": {k: after.get(k, 0) - before.get(k, 0) for k in after if not k.startswith("_")},
        "server_open_after": after.get("_open"),
        "server_peak_fds": sampler.peak_fds,
        "server_peak_rss_mib": round(sampler.peak_rss_kb / 1024, 1),
    }))


if __name__ == "__main__":
    main()
