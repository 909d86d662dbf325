-- Records a failed delivery attempt. Both clocks a verdict compares start at the last enable at the
-- earliest: an event's failures (it may have waited, failing, while the sink was disabled) and the
-- sink's run. The run begins at the earliest such event start since the window opened (the last
-- success, or an enable), never before it: so no event of a run that only fails is older than the
-- run, and the sink is disabled before any of its events could be given up. Atomic, so racing
-- workers can only move the run's start back, never forward.
-- KEYS[1]: the sink's state hash. ARGV[1]: when the event's first attempt started (ms since epoch).
-- Answers {the run's start, the event's}.
local first = ARGV[1]
local enabled = redis.call('HGET', KEYS[1], 'enabledAt')
if enabled and tonumber(enabled) > tonumber(first) then first = enabled end
local since = redis.call('HGET', KEYS[1], 'failingSince')
local from = redis.call('HGET', KEYS[1], 'windowFrom')
local value = first
if since and tonumber(since) < tonumber(value) then value = since end
if from and tonumber(from) > tonumber(value) then value = from end
if value ~= since then redis.call('HSET', KEYS[1], 'failingSince', value) end
return { value, first }
