-- wrk script of bench/http.ts: each request carries its own body, line i of the file named after
-- "--" (signed assertions are single-use: the replay cache refuses a second one). Should the file
-- run out, the next requests go without a body and come back as non-2xx answers in the report.
-- At the end it prints how many bodies went out ("bodies sent: N"): wrk's request count leaves out
-- the requests still in flight, and more than one per connection (measured) may be.
local bodies = {}
sent = 0 -- global: the main thread reads it from each thread in done()
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
end

function request()
  sent = sent + 1
  return wrk.format("POST", "/", { ["Content-Type"] = "application/x-www-form-urlencoded" }, bodies[sent])
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("bodies sent: %d\n", total))
end
