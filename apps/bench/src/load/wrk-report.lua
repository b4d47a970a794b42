-- Loaded by wrk (-s): optional request mix, and one JSON line at the end with the figures the runner needs,
-- including wrk's own CPU time read from /proc/self/stat (utime and stime, in clock ticks).
local heavy_every = tonumber(os.getenv("BENCH_HEAVY_EVERY") or "0")

if heavy_every > 0 then
  local count = 0
  local fast, heavy
  request = function()
    if fast == nil then
      fast = wrk.format(nil, "/")
      heavy = wrk.format(nil, "/heavy")
    end
    count = count + 1
    if count % heavy_every == 0 then return heavy end
    return fast
  end
end

local function cpu_ticks()
  local file = io.open("/proc/self/stat", "r")
  if file == nil then return -1, -1 end
  local stat = file:read("*a")
  file:close()
  local fields = {}
  for value in stat:match("%) (.*)"):gmatch("%S+") do fields[#fields + 1] = value end
  -- After the command name: field 1 is the state (3rd in the file), so utime (14th) and stime (15th) are 12 and 13.
  return tonumber(fields[12]), tonumber(fields[13])
end

done = function(summary, latency, requests)
  local utime, stime = cpu_ticks()
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"utimeTicks":%d,"stimeTicks":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    utime, stime))
end
