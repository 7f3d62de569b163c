-- wrk script: the Clerk simulator's POST /v1/sign_in_tokens called directly, for the upstream's own latency.
-- USER_IDS: a file with one Clerk user id per line. SECRET_KEY: the simulator's secret key. DELAY_MS: pacing.
local users = {}
local index = 0
local pacing = tonumber(os.getenv("DELAY_MS") or "0")

for line in io.lines(os.getenv("USER_IDS") or "user_ids.txt") do
  users[#users + 1] = line
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("SECRET_KEY") or "sk_test_telegate_simulator")

function request()
  index = index + 1
  local body = string.format('{"user_id":"%s","expires_in_seconds":120}', users[(index % #users) + 1])
  return wrk.format(nil, "/v1/sign_in_tokens", nil, body)
end

function delay()
  return pacing
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors_status=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
