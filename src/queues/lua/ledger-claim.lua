local current = redis.call('GET', KEYS[1])
if current then
  local entry = cjson.decode(current)
  if entry.state ~= 'inflight' then return current end
  if entry.jobId ~= ARGV[1] and entry.jobId ~= ARGV[3] then return current end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
-- With KEYS[2] and KEYS[3]: a claim that will call Ropo One also records which business id the
-- profile_uuid it sends belongs to (uuid -> business id, and the business id's set), in this one trip.
if KEYS[3] then
  redis.call('SET', KEYS[2], ARGV[6])
  redis.call('SADD', KEYS[3], ARGV[5])
end
return false
