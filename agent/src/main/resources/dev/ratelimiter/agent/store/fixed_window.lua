-- Checks every limit of a policy for one client and consumes one unit of each only when all allow.
-- KEYS[i]  counter of limit i, all in one hash slot: rl:{<scope>|<client>}:<limit>
-- ARGV[2i-1] quota of limit i;  ARGV[2i] window of limit i in milliseconds
-- Returns {allowed(1|0), count_1, ttl_ms_1, count_2, ttl_ms_2, ...}; a ttl below 0 means no window is open.
-- A window starts at the client's first request (a key with a TTL), so no clock is needed here.
local out = {1}
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  out[2 * i] = count
  out[2 * i + 1] = redis.call('PTTL', KEYS[i])
  if count >= tonumber(ARGV[2 * i - 1]) then
    out[1] = 0
  end
end
if out[1] == 0 then
  return out
end
for i = 1, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  local ttl = out[2 * i + 1]
  if count == 1 or ttl < 0 then
    ttl = tonumber(ARGV[2 * i])
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
  out[2 * i] = count
  out[2 * i + 1] = ttl
end
return out
