-- Adds the headers given after `--` to every request, each as "Name: value"
-- (wrk ... -s scheduling_headers.lua URL -- "Cookie: sessionid=..." "X-Requested-With: XMLHttpRequest").
init = function(args)
  for _, header in ipairs(args) do
    local name, value = header:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end
