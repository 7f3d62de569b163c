"""Mean time per exchange stage between two /metrics snapshots: stages.py APP BEFORE AFTER."""
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
print("STAGES " + " ".join(parts))
