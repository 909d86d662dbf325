-- Settles a business id only if nobody settled it first (the first outcome recorded is kept), and in
-- the same step appends the outcome event to the outbox (KEYS[2], when given), so neither exists
-- without the other. Answers {standing entry or '', outbox stream id or ''}.
local current = redis.call('GET', KEYS[1])
if current then
  local entry = cjson.decode(current)
  if entry.state ~= 'inflight' then return {current, ''} end
end
redis.call('SET', KEYS[1], ARGV[1])
if KEYS[2] then
  return {'', redis.call('XADD', KEYS[2], '*', 'event', ARGV[2])}
end
return {'', ''}
