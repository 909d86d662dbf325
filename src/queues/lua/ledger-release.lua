local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).state == 'inflight' and cjson.decode(current).jobId == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
