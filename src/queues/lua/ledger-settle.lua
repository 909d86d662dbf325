local current = redis.call('GET', KEYS[1])
if current then
  local entry = cjson.decode(current)
  if entry.state ~= 'inflight' then return current end
end
redis.call('SET', KEYS[1], ARGV[1])
return false
