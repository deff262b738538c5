-- The join load of `cargo xtask bench`: wrk posts distinct eligible people to the queue (born
-- 1962-1966, the first cohort; names of letters only; a mobile number each from a counter, the
-- thread's number in front) and prints how many answers came back with each status.

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  joins_sent = 0
  statuses = {}
end

-- `n` written in the letters a-z (names may not hold digits).
local function letters_of(n)
  local letters = ""
  repeat
    local digit = n % 26
    letters = letters .. string.char(97 + digit)
    n = math.floor(n / 26)
  until n == 0
  return letters
end

local headers = { ["Content-Type"] = "application/json" }

function request()
  local n = thread_number * 10000000 + joins_sent
  joins_sent = joins_sent + 1
  local body = string.format(
    '{"name":"Kim %s","birth_date":"%04d-%02d-%02d","mobile":"010-%04d-%04d"}',
    letters_of(n), 1962 + n % 5, 1 + n % 12, 1 + n % 28,
    math.floor(n / 10000) % 10000, n % 10000)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d: %d\n", status, count))
  end
end
