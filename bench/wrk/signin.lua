-- A password sign-in of a random account with a password: POST /api/session.
-- args: N PASSWORD (accounts signin0..signin<N-1>@bench.example have PASSWORD)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local n, password
function init(args)
  n, password = tonumber(args[1]), args[2]
  seed_random()
end
function request()
  local body = string.format('{"email":"signin%06d@bench.example","password":"%s"}',
    math.random(0, n - 1), password)
  return wrk.format("POST", "/api/session", headers(), body)
end
