-- Keeps the first credential of a customer: the same cid again is a duplicate, another cid a conflict.
-- KEYS[1] the record, KEYS[2] the index set; ARGV[1] the record JSON, ARGV[2] its cid, ARGV[3] the business id.
local current = redis.call('GET', KEYS[1])
if current then
  if cjson.decode(current).cid == ARGV[2] then return {'duplicate', current} end
  return {'conflict', current}
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[3])
return {'stored', ARGV[1]}
