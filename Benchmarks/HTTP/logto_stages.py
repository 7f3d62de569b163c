"""Where a Logto exchange's time goes, between two /metrics snapshots: logto_stages.py APP BEFORE AFTER.

Prints the mean of each exchange stage and of each Logto call, and Telegate's own mean time per exchange: the
three stages minus the time spent waiting for Logto.
"""
import re
import sys


def totals(path, app):
    values = {}
    stage = re.compile(r'telegate_exchange_stage_seconds_(sum|count)\{app="%s",stage="(\w+)"\} (\S+)' % re.escape(app))
    upstream = re.compile(r'telegate_upstream_request_seconds_(sum|count)\{provider="Logto",operation="(\w+)"\} (\S+)')
    with open(path) as lines:
        for line in lines:
            for kind, pattern in (("stage", stage), ("logto", upstream)):
                match = pattern.match(line)
                if match:
                    values[(kind, match.group(2), match.group(1))] = float(match.group(3))
    return values


app, before, after = sys.argv[1:4]
first, last = totals(before, app), totals(after, app)


def mean(kind, name):
    count = last.get((kind, name, "count"), 0) - first.get((kind, name, "count"), 0)
    total = last.get((kind, name, "sum"), 0) - first.get((kind, name, "sum"), 0)
    return (total / count if count else 0.0), count


exchanges = mean("stage", "issue")[1]
parts, own = [], 0.0
for name in ("verify", "resolve", "issue"):
    value, _ = mean("stage", name)
    own += value
    parts.append(f"{name}_us={value * 1e6:.1f}")
waiting = 0.0
for operation in ("subject_token", "token_exchange", "m2m_token"):
    value, count = mean("logto", operation)
    if count:
        per_exchange = value * count / exchanges if exchanges else 0.0
        waiting += per_exchange
        parts.append(f"logto_{operation}_us={value * 1e6:.1f}")
parts.append(f"telegate_own_us={(own - waiting) * 1e6:.1f}")
print("STAGES " + " ".join(parts))
