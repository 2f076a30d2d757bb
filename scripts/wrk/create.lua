-- POST new customers: `-- 1` sends one per request (POST /customers), `-- 100` a batch of 100
-- (POST /customers/batch). Emails never repeat: each wrk thread gets its own prefix.
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  batch = tonumber(args[1] or "1")
  prefix = tostring(id) .. "-" .. tostring(os.time())
end

local function customer()
  counter = counter + 1
  return string.format('{"email":"bench-%s-%d@example.com","first_name":"Bench","billing":{"city":"Lisbon"}}',
    prefix, counter)
end

function request()
  if batch == 1 then
    return wrk.format("POST", nil, nil, customer())
  end
  local items = {}
  for i = 1, batch do
    items[i] = customer()
  end
  return wrk.format("POST", nil, nil, '{"create":[' .. table.concat(items, ",") .. ']}')
end
