-- The ledger's claims and settles, run in order in one script: every operation the process's jobs
-- issued within one turn of the event loop (src/queues/ledger-batch.ts), so a worker sends one
-- command for them instead of one each. ARGV holds each operation as its kind ('claim' or
-- 'settle'), its number of keys, its number of arguments, then its arguments; its keys are the next
-- ones in KEYS. Answers one array per operation, in order, or that operation's error.

-- A settled entry wins; an in-flight claim by another job blocks unless the caller names it as gone
-- (argv[3]: it crashed and was removed, or it ended without settling). With keys[2] and keys[3], a
-- claim that will call Ropo One also records which business id the profile_uuid it sends belongs to
-- (uuid -> business id, and the business id's set). Answers {standing entry, or '' when claimed}.
local function claim(keys, argv)
  local current = redis.call('GET', keys[1])
  if current then
    local entry = cjson.decode(current)
    if entry.state ~= 'inflight' then return {current} end
    if entry.jobId ~= argv[1] and entry.jobId ~= argv[3] then return {current} end
  end
  redis.call('SET', keys[1], argv[2], 'PX', argv[4])
  if keys[3] then
    redis.call('SET', keys[2], argv[6])
    redis.call('SADD', keys[3], argv[5])
  end
  return {''}
end

-- Settles a business id only if nobody settled it first (the first outcome recorded is kept), and in
-- the same step appends the outcome event (argv[2]) to the outbox (keys[2], when given), so neither
-- exists without the other. With keys[3] (the job's hash; only with keys[2]) the job's data becomes its
-- stub (argv[3]) whichever outcome stands: the payload is no longer needed, and stripping here saves
-- the worker two round trips after completion. A job removed meanwhile is not re-created.
-- Answers {standing entry or '', outbox stream id or '', 1 if the data was stripped else 0}.
local function settle(keys, argv)
  local stripped = 0
  if keys[3] and redis.call('EXISTS', keys[3]) == 1 then
    redis.call('HSET', keys[3], 'data', argv[3])
    stripped = 1
  end
  local current = redis.call('GET', keys[1])
  if current then
    local entry = cjson.decode(current)
    if entry.state ~= 'inflight' then return {current, '', stripped} end
  end
  redis.call('SET', keys[1], argv[1])
  if keys[2] then
    return {'', redis.call('XADD', keys[2], '*', 'event', argv[2]), stripped}
  end
  return {'', '', stripped}
end

local operations = {claim = claim, settle = settle}
-- The layout is read whole before anything runs, so a malformed batch changes nothing.
local batch = {}
local k, a = 1, 1
while a <= #ARGV do
  local kind, nkeys, nargs = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if not operations[kind] or not nkeys or not nargs then
    return redis.error_reply('ledger-batch: malformed operation at ARGV[' .. a .. ']')
  end
  local keys, argv = {}, {}
  for i = 1, nkeys do keys[i] = KEYS[k + i - 1] end
  for i = 1, nargs do argv[i] = ARGV[a + 2 + i] end
  batch[#batch + 1] = {kind = kind, keys = keys, argv = argv}
  k, a = k + nkeys, a + 3 + nargs
end
if k - 1 ~= #KEYS or a - 1 ~= #ARGV then return redis.error_reply('ledger-batch: keys or arguments left over') end

-- Each operation on its own, as when each was its own script: one that fails (a corrupt entry, a
-- key of the wrong type) answers its error and the others still run.
local replies = {}
for i, op in ipairs(batch) do
  local ok, reply = pcall(operations[op.kind], op.keys, op.argv)
  if ok then
    replies[i] = reply
  else
    local message = type(reply) == 'table' and reply.err or tostring(reply)
    replies[i] = redis.error_reply('ledger-batch: ' .. op.kind .. ' failed: ' .. message)
  end
end
return replies
