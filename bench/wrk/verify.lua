-- The right code for a flow made beforehand: POST /api/flows/{id}/verify. A code works once,
-- so each request takes the next unused flow of this thread's share.
-- args: FLOWS_FILE THREADS (lines "flow_id binding code", made by sspr-bench)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local flows, k = {}, 0
function init(args)
  local threads, i = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    local id, binding, code = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
    if id then
      if i % threads == tid then
        flows[#flows + 1] = { "/api/flows/" .. id .. "/verify", "__Host-sspr_flow=" .. binding,
          string.format('{"code":"%s"}', code) }
      end
      i = i + 1
    end
  end
  assert(#flows > 0, "no flows for thread " .. tid)
end
function request()
  k = k % #flows + 1
  local f = flows[k]
  return wrk.format("POST", f[1], headers(f[2]), f[3])
end
