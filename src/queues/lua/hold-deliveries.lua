local held = {}
for i, key in ipairs(KEYS) do
  local ok, data = pcall(redis.call, 'HGET', key, 'data')
  held[i] = (ok and data and string.find(data, ARGV[i], 1, true)) and 1 or 0
end
return held
