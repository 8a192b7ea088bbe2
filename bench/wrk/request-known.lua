-- A password-reset code for a random known account: POST /api/flows.
-- args: N (accounts known0..known<N-1>@bench.example exist)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local n
function init(args)
  n = tonumber(args[1])
  seed_random()
end
function request()
  local body = string.format('{"purpose":"password_reset","email":"known%06d@bench.example"}',
    math.random(0, n - 1))
  return wrk.format("POST", "/api/flows", headers(), body)
end
