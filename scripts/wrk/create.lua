-- POST /customers with a new email each time. wrk sets `id` on each thread (setup below).
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  prefix = tostring(id) .. "-" .. tostring(os.time())
end

function request()
  counter = counter + 1
  local body = string.format('{"email":"bench-%s-%d@example.com","first_name":"Bench","billing":{"city":"Lisbon"}}',
    prefix, counter)
  return wrk.format("POST", nil, nil, body)
end
