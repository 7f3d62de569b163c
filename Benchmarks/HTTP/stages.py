"""Mean time per exchange stage, and per identity-provider call, between two /metrics snapshots:
stages.py APP BEFORE AFTER."""
import re
import sys


def totals(path, app):
    sums, counts = {}, {}
    pattern = re.compile(r'telegate_exchange_stage_seconds_(sum|count)\{app="%s",stage="(\w+)"\} (\S+)' % re.escape(app))
    with open(path) as lines:
        for line in lines:
            match = pattern.match(line)
            if match:
                (sums if match.group(1) == "sum" else counts)[match.group(2)] = float(match.group(3))
    return sums, counts


app, before, after = sys.argv[1:4]
sums0, counts0 = totals(before, app)
sums1, counts1 = totals(after, app)
parts = []
for stage in ("verify", "resolve", "issue"):
    count = counts1.get(stage, 0) - counts0.get(stage, 0)
    if count > 0:
        parts.append(f"{stage}_us={(sums1[stage] - sums0.get(stage, 0)) / count * 1e6:.1f}")
upstream = re.compile(r'telegate_upstream_request_seconds_(sum|count)\{provider="(\w+)",operation="(\w+)"\} (\S+)')


def calls(path):
    found = {}
    with open(path) as lines:
        for line in lines:
            match = upstream.match(line)
            if match:
                found[(match.group(2), match.group(3), match.group(1))] = float(match.group(4))
    return found


calls0, calls1 = calls(before), calls(after)
for (provider, operation, kind), value in sorted(calls1.items()):
    if kind != "sum":
        continue
    count = calls1[(provider, operation, "count")] - calls0.get((provider, operation, "count"), 0)
    if count > 0:
        parts.append(f"{provider}.{operation}_us={(value - calls0.get((provider, operation, 'sum'), 0)) / count * 1e6:.1f}")
own = re.compile(r'telegate_exchange_own_seconds_bucket\{app="%s",provider="\w+",le="([^"]+)"\} (\S+)' % re.escape(app))


def buckets(path):
    found = {}
    with open(path) as lines:
        for line in lines:
            match = own.match(line)
            if match:
                bound = float("inf") if match.group(1) == "+Inf" else float(match.group(1))
                found[bound] = found.get(bound, 0) + float(match.group(2))
    return found


def quantile(cumulative, q):
    """The q-quantile of a cumulative histogram, interpolated linearly inside its bucket."""
    total = cumulative[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in cumulative:
        if count >= q * total:
            if bound == float("inf"):
                return lower_bound
            share = (q * total - lower_count) / max(count - lower_count, 1)
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return lower_bound


own0, own1 = buckets(before), buckets(after)
cumulative = sorted((bound, count - own0.get(bound, 0)) for bound, count in own1.items())
if cumulative and cumulative[-1][1] > 0:
    parts.append(f"own_p50_us={quantile(cumulative, 0.5) * 1e6:.0f} own_p99_us={quantile(cumulative, 0.99) * 1e6:.0f}")
    within = next((count for bound, count in cumulative if bound == 0.002), None)
    if within is not None:
        parts.append(f"own_within_2ms={within / cumulative[-1][1] * 100:.2f}%")
print("STAGES " + " ".join(parts))
