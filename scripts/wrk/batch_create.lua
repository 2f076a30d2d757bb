-- POST /customers/batch creating 100 customers with new emails each time.
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
  local items = {}
  for i = 1, 100 do
    counter = counter + 1
    items[i] = string.format('{"email":"batch-%s-%d@example.com","first_name":"Batch"}', prefix, counter)
  end
  return wrk.format("POST", nil, nil, '{"create":[' .. table.concat(items, ",") .. ']}')
end
