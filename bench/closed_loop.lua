-- wrk script for the closed loop: POST JSON bodies with a candidate cookie, as fast as it goes.
--
--   wrk -t1 -c200 -d15s -s bench/closed_loop.lua URL -- COOKIES_FILE BODIES_FILE CHECK
--
-- COOKIES_FILE: one cookie token per line (each request takes the next one, round robin).
-- BODIES_FILE:  one JSON body per line (round robin too); "-" sends GETs without a body.
-- CHECK:        a plain string every good answer's body contains ("-" for none).
-- At the end it prints one line "BENCHJSON {...}" that bench/closed.py reads.

local cookies, bodies = {}, {}
local check = nil
local next_cookie, next_body = 0, 0
bad = 0          -- per thread: answers that were not 200, or lacked CHECK
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function read_lines(path)
  local lines = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if #line > 0 then table.insert(lines, line) end
  end
  f:close()
  return lines
end

function init(args)
  cookies = read_lines(args[1])
  if args[2] ~= "-" then bodies = read_lines(args[2]) end
  if args[3] ~= nil and args[3] ~= "-" then check = args[3] end
  next_cookie = math.random(#cookies) - 1
end

function request()
  next_cookie = next_cookie % #cookies + 1
  if #bodies == 0 then
    return wrk.format("GET", nil, {["Cookie"] = "examhall_candidate=" .. cookies[next_cookie]})
  end
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "examhall_candidate=" .. cookies[next_cookie],
  }, bodies[next_body])
end

function response(status, headers, body)
  if status ~= 200 or (check ~= nil and not string.find(body, check, 1, true)) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "bad": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "p999": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, total_bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
