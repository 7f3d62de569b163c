-- wrk script: a provider simulator's own endpoint called directly, for the upstream's latency alone.
-- IDS: a file with one value per line (a user id, an email), substituted round-robin for %s in BODY.
-- CALL_PATH: the request path. BODY: the JSON body template. HEADERS: extra headers, "Name: value" joined by "|".
-- DELAY_MS: pacing per connection.
local ids = {}
local index = 0
local pacing = tonumber(os.getenv("DELAY_MS") or "0")
local path = os.getenv("CALL_PATH")
local template = os.getenv("BODY")

for line in io.lines(os.getenv("IDS")) do
  ids[#ids + 1] = line
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
for header in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = string.match(header, "^%s*([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

function request()
  index = index + 1
  return wrk.format(nil, path, nil, string.format(template, ids[(index % #ids) + 1]))
end

function delay()
  return pacing
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
