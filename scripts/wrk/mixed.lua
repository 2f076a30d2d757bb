-- A mixed load for the memory soak: `-- N` with N customers seeded (ids 1..N).
-- 60% GET one customer, 25% a list page, 10% an update, 5% a create (emails never repeat).
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  customers = tonumber(args[1] or "1000")
  prefix = tostring(id) .. "-" .. tostring(os.time())
  math.randomseed(os.time() + id)
end

function request()
  local roll = math.random(100)
  local customer = math.random(customers)
  if roll <= 60 then
    return wrk.format("GET", "/wp-json/wc/v3/customers/" .. customer)
  elseif roll <= 85 then
    return wrk.format("GET", "/wp-json/wc/v3/customers?per_page=20&page=" .. math.random(20))
  elseif roll <= 95 then
    return wrk.format("PUT", "/wp-json/wc/v3/customers/" .. customer, nil,
      '{"first_name":"Soak' .. math.random(1000) .. '","billing":{"city":"Lisbon"}}')
  end
  counter = counter + 1
  return wrk.format("POST", "/wp-json/wc/v3/customers", nil,
    string.format('{"email":"soak-%s-%d@example.com","first_name":"Soak"}', prefix, counter))
end
