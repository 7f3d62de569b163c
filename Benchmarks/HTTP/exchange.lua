-- wrk script: POST pre-signed initData for a pool of users, round-robin, keep-alive.
-- BODIES: a file with one JSON request body per line. PATH: the exchange path. DELAY_MS: optional pacing per
-- connection (with C connections, about C * 1000 / DELAY_MS requests per second).
local bodies = {}
local index = 0
local path = os.getenv("EXCHANGE_PATH") or "/v1/apps/bench-es/exchange"
local pacing = tonumber(os.getenv("DELAY_MS") or "0")

for line in io.lines(os.getenv("BODIES") or "bodies.jsonl") do
  bodies[#bodies + 1] = line
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("offset", math.random(#bodies))
end

function request()
  index = index + 1
  local body = bodies[((index + (offset or 0)) % #bodies) + 1]
  return wrk.format(nil, path, nil, body)
end

function delay()
  return pacing
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
