#!/usr/bin/env python3
"""Summarise package-benchmark's text output: p50/p99 wall clock and mallocs per benchmark.

Usage: swift package benchmark --target TelegramAuthBenchmarks --no-progress | python3 Scripts/summarize.py
"""
import re
import sys

name, results = None, {}
for line in sys.stdin:
    line = line.rstrip("\n")
    metric = re.match(r"│ (Time \(wall clock\) \(ns\)|Malloc \(total\)) \*? *│(.*)", line)
    if metric and name:
        results[name][metric.group(1)] = [cell.strip() for cell in metric.group(2).split("│")]
    elif line and line[0].isalpha() and "│" not in line and not line.startswith(
        ("Host", "Build", "Running", "Baseline", "Note", "Warning")
    ):
        name = line.strip()
        results.setdefault(name, {})

print("| Benchmark | p50 | p99 | Mallocs |")
print("| --- | ---: | ---: | ---: |")
for name, metrics in sorted(results.items()):
    time, mallocs = metrics.get("Time (wall clock) (ns)"), metrics.get("Malloc (total)")
    if time:
        print(f"| `{name}` | {int(time[2]) / 1000:.2f} µs | {int(time[5]) / 1000:.2f} µs | {mallocs[2] if mallocs else '—'} |")
