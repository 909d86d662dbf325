local current = redis.call('GET', KEYS[1])
if current then
  local entry = cjson.decode(current)
  if entry.state ~= 'inflight' then return current end
  if entry.jobId ~= ARGV[1] and entry.jobId ~= ARGV[3] then return current end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
return false
