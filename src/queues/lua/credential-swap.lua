-- Replaces a record only if nobody changed it since it was read (rotation, the published flag).
-- KEYS[1] the record; ARGV[1] the value read, ARGV[2] the new value.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
