-- Records which business id a profile_uuid was sent for, and the reverse set (for erasure), in one
-- round trip: it runs before every createprofile call. KEYS[1] uuid -> business id, KEYS[2] the set.
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
