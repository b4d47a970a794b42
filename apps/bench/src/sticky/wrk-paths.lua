-- Loaded by wrk (-s) for the sticky comparison: each request takes the next path of BENCH_PATHS_FILE (one a line,
-- e.g. /?sid=<a session's id>), so the load spreads over many sticky keys; the JSON line at the end comes from
-- the bench's wrk-report.lua (BENCH_REPORT_LUA), loaded first.
dofile(os.getenv("BENCH_REPORT_LUA"))

local requests = {}
local next_index = 1

local function load_paths()
  local file = assert(io.open(os.getenv("BENCH_PATHS_FILE"), "r"))
  for line in file:lines() do
    if line ~= "" then requests[#requests + 1] = wrk.format(nil, line) end
  end
  file:close()
  assert(#requests > 0, "BENCH_PATHS_FILE holds no path")
end

request = function()
  if #requests == 0 then load_paths() end
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
