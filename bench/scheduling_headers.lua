-- Adds the headers given after `--` to every request, each as "Name: value"
-- (wrk ... -s scheduling_headers.lua URL -- "Cookie: sessionid=..." "X-Requested-With: XMLHttpRequest"),
-- and counts the answers by status, so that a redirect (a session not recognised, say) is never
-- mistaken for the page: the last line of the output is "bench-statuses: 200=N other=M".

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

init = function(args)
  ok, others = 0, 0
  for _, header in ipairs(args) do
    local name, value = header:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    others = others + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_others = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_others = total_others + thread:get("others")
  end
  io.write(string.format("bench-statuses: 200=%d other=%d\n", total_ok, total_others))
end
