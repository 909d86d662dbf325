-- Records a failed delivery attempt and answers when the sink's current run of failures began: the
-- start of the earliest attempt that failed since the window opened (the last success, or an
-- operator's enable), never before it. Concurrent attempts finish in any order, so the run's start
-- can only move back, and atomically, so racing workers cannot move it forward.
-- KEYS[1]: the sink's state hash. ARGV[1]: when the failed attempt started (ms since epoch).
local started = ARGV[1]
local since = redis.call('HGET', KEYS[1], 'failingSince')
local from = redis.call('HGET', KEYS[1], 'windowFrom')
local value = started
if since and tonumber(since) < tonumber(value) then value = since end
if from and tonumber(from) > tonumber(value) then value = from end
if value ~= since then redis.call('HSET', KEYS[1], 'failingSince', value) end
return value
