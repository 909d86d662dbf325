-- GCRA without burst: reserves the next free slot, `interval` µs after the previous one, on Redis's
-- clock, and answers how long the caller must wait for it (slot - now, in µs). KEYS[1] holds
-- "tat:lastNow"; ARGV[1] is the interval, ARGV[2] a push that moves the following slot back, ARGV[3]
-- (default 1) how many consecutive slots to reserve: the caller gets slot, slot + interval, ... .
local now = redis.call('TIME')
local nowUs = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local push = tonumber(ARGV[2])
local count = tonumber(ARGV[3] or '1')
local stored = redis.call('GET', KEYS[1])
local tat, lastNow = 0, nowUs
if stored then
  local sep = string.find(stored, ':', 1, true)
  if sep then
    tat = tonumber(string.sub(stored, 1, sep - 1))
    lastNow = tonumber(string.sub(stored, sep + 1))
  else
    tat = tonumber(stored)
  end
end
-- Redis's clock stepped back: the schedule moves back with it, or every call would wait the step out.
if nowUs < lastNow then tat = tat - (lastNow - nowUs) end
local slot = math.max(tat, nowUs)
local nextTat = slot + count * interval + push
redis.call('SET', KEYS[1], string.format('%.0f:%.0f', nextTat, nowUs), 'PX', math.ceil((nextTat - nowUs) / 1000) + 1000)
return string.format('%.0f', slot - nowUs)
