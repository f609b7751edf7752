-- wrk script of bench/http.ts: each request carries its own body, line i of the file named after
-- "--" (signed assertions are single-use: the replay cache refuses a second one). Should the file
-- run out, the next requests go without a body and come back as non-2xx answers in the report.
local bodies = {}
local sent = 0

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
end

function request()
  sent = sent + 1
  return wrk.format("POST", "/", { ["Content-Type"] = "application/x-www-form-urlencoded" }, bodies[sent])
end
