-- Shared by the scenario scripts of `cargo xtask bench --peer`: JSON POSTs as the SPA sends
-- them (CSRF header, the page's Origin), a client address of its own in X-Forwarded-For for
-- every request (the server under test trusts it), and a done() that prints one line of
-- figures (times in ms) for sspr-bench to read.
wrk.method = "POST"

local sent = 0

function setup(thread)
  thread:set("tid", setup_count or 0)
  setup_count = (setup_count or 0) + 1
end

function seed_random()
  math.randomseed(os.time() * 7919 + (tid or 0) * 104729)
  for _ = 1, 10 do math.random() end
end

-- The page origin the server expects: its public origin (SSPR_BENCH_ORIGIN when the server is
-- reached through a load balancer on another port), else the address wrk connects to.
local origin = os.getenv("SSPR_BENCH_ORIGIN")

-- Headers for one request: its own client address, and the cookie if any.
function headers(cookie)
  sent = sent + 1
  local h = {
    ["Host"] = wrk.host .. ":" .. wrk.port,
    ["Content-Type"] = "application/json",
    ["X-Sspr-Csrf"] = "1",
    ["Origin"] = origin or ("http://" .. wrk.host .. ":" .. wrk.port),
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", (tid or 0) % 256,
      math.floor(sent / 256) % 256, sent % 256),
  }
  if cookie then h["Cookie"] = cookie end
  return h
end

function done(summary, latency, requests)
  local e = summary.errors
  local ms = function(us) return us / 1000.0 end
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.2f,"p50_ms":%.3f,"p90_ms":%.3f,' ..
    '"p99_ms":%.3f,"max_ms":%.3f,"non2xx":%d,"connect_err":%d,"read_err":%d,' ..
    '"write_err":%d,"timeouts":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency.max), e.status, e.connect, e.read, e.write, e.timeout))
end
