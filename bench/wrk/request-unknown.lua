-- A password-reset code for an address no account has, a new one every request.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local k = 0
function init(args)
  seed_random()
end
function request()
  k = k + 1
  local body = string.format(
    '{"purpose":"password_reset","email":"nobody-%d-%d-%d@bench.example"}', tid, k, math.random(1e9))
  return wrk.format("POST", "/api/flows", headers(), body)
end
