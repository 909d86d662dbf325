-- Settles a business id only if nobody settled it first (the first outcome recorded is kept), and in
-- the same step appends the outcome event to the outbox (KEYS[2], when given), so neither exists
-- without the other. With KEYS[3] (the job's hash; only with KEYS[2]) the job's data becomes its
-- stub (ARGV[3]) whichever outcome stands: the payload is no longer needed, and stripping here saves
-- the worker two round trips after completion. A job removed meanwhile is not re-created.
-- Answers {standing entry or '', outbox stream id or '', 1 if the data was stripped else 0}.
local stripped = 0
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'data', ARGV[3])
  stripped = 1
end
local current = redis.call('GET', KEYS[1])
if current then
  local entry = cjson.decode(current)
  if entry.state ~= 'inflight' then return {current, '', stripped} end
end
redis.call('SET', KEYS[1], ARGV[1])
if KEYS[2] then
  return {'', redis.call('XADD', KEYS[2], '*', 'event', ARGV[2]), stripped}
end
return {'', '', stripped}
