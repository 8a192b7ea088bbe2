-- A password sign-in for an address no account has, a new one each time (what a password
-- sprayer sends): POST /api/session. The server answers 401 after one Argon2id verification
-- against a dummy hash, as it would for a wrong password on an account, so the rate is bound by
-- the instance's CPU. Here done()'s "non2xx" counts the answers other than 401.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local threads = {}
local common_setup, common_done = setup, done
function setup(thread)
  common_setup(thread)
  table.insert(threads, thread)
end
function init(args)
  seed_random()
  unexpected = 0
end
function request()
  local body = string.format('{"email":"sprayed%09d@bench.example","password":"%s"}',
    math.random(0, 999999999), "not the password of anyone")
  return wrk.format("POST", "/api/session", headers(), body)
end
function response(status)
  if status ~= 401 then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(threads) do n = n + thread:get("unexpected") end
  summary.errors.status = n
  common_done(summary, latency, requests)
end
