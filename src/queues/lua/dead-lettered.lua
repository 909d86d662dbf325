-- For each key, 1 when that dead-letter record exists, else 0: one command for a whole batch
-- instead of one EXISTS each, which the producer's client would otherwise build and parse by the hundred.
local found = {}
for i, key in ipairs(KEYS) do
  found[i] = redis.call('EXISTS', key)
end
return found
