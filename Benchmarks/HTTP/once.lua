-- wrk script: POST each line of BODIES exactly once (form-encoded) to URL_PATH, then stop; no request is sent twice
-- and none beyond the file. Optional request headers COOKIE and AUTHORIZATION. EXPECT is the status that counts as a
-- success; with CODES_FILE, the `code` of each success's Location is written to that file, one a line (the login form's
-- redirects). Run with -t1 and a -d longer than the run needs: after the last answer the script interrupts wrk
-- (SIGINT, as Ctrl-C would), and the rate is computed over the time from the first request to the last answer.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } once_timespec;
  int clock_gettime(int clock, once_timespec *time);
  int getpid(void);
  int kill(int pid, int signal);
]]
local monotonic = ffi.new("once_timespec")
local function now()
  ffi.C.clock_gettime(1, monotonic)
  return tonumber(monotonic.tv_sec) + tonumber(monotonic.tv_nsec) / 1e9
end
local bodies = {}
local path = os.getenv("URL_PATH")
local expected = tonumber(os.getenv("EXPECT") or "200")
-- Globals, so that done() can read them with thread:get().
sent, received, succeeded, started, finished = 0, 0, 0, 0, 0
statuses = {}
local codes
local threads = {}

for line in io.lines(os.getenv("BODIES")) do
  bodies[#bodies + 1] = line
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
if os.getenv("COOKIE") then wrk.headers["Cookie"] = os.getenv("COOKIE") end
if os.getenv("AUTHORIZATION") then wrk.headers["Authorization"] = os.getenv("AUTHORIZATION") end

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  if os.getenv("CODES_FILE") then codes = io.open(os.getenv("CODES_FILE"), "w") end
end

-- wrk asks delay() before each request() of a connection: a request is reserved here, so that connections racing
-- for the last bodies never overshoot; a connection with nothing left waits far beyond the run, which ends at the
-- last answer.
local reserved = 0
function delay()
  if reserved >= #bodies then return 3600000 end
  reserved = reserved + 1
  return 0
end

-- wrk calls request() once before the run to inspect the request; that call sends nothing.
local inspected = false

function request()
  if not inspected then
    inspected = true
    return wrk.format(nil, path, nil, bodies[1])
  end
  if sent == 0 then started = now() end
  sent = sent + 1
  return wrk.format(nil, path, nil, bodies[sent])
end

function response(status, headers, body)
  received = received + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status == expected then
    succeeded = succeeded + 1
    if codes then
      local location = headers["Location"] or headers["location"] or ""
      codes:write(location:match("[?&]code=([^&]+)") or "", "\n")
    end
  end
  if received >= #bodies then
    finished = now()
    if codes then codes:close() end
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), 2)
  end
end

function done(summary, latency, requests)
  local thread = threads[1]
  local total = thread:get("succeeded")
  local seconds = thread:get("finished") - thread:get("started")
  if thread:get("finished") == 0 then seconds = summary.duration / 1e6 end  -- cut short by -d
  local counts = {}
  for status, count in pairs(thread:get("statuses")) do counts[#counts + 1] = status .. ":" .. count end
  table.sort(counts)
  io.write(string.format("RESULT requests=%d succeeded=%d errors=%d statuses=%s duration_s=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, total, summary.requests - total, table.concat(counts, ","), seconds, total / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
