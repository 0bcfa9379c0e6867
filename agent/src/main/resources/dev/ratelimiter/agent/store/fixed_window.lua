-- Decides a batch of requests, each for one client against every limit of its policy. Each
-- request costs C units (1 for an HTTP request, Envoy's hits_addend over gRPC) and consumes C of
-- each of its limits only when all of them have C left; a refused request consumes nothing, and a
-- cost above a limit's quota is always refused. Requests are decided in order, so two requests of one client in the
-- same batch are counted exactly as if they had come one by one.
-- ARGV[1]            number of requests R
-- then per request:  N (its number of limits), C (its cost, at least 1), then N pairs: quota, window in milliseconds
-- KEYS               the requests' counters in order, N per request: rl:{<scope>|<client>}:<limit>
-- Returns per request: allowed (1 | 0 | -1), then per limit: count, ttl in ms (below 0: no window
-- open). -1: a counter of this request holds something that is not a count (tampered); nothing
-- is consumed and the agent treats it as a store error for this request alone.
-- A window starts at the client's first request (a key with a TTL), so no clock is needed here.
-- A counter without a TTL (someone SET it, or a PEXPIRE was lost) gets a fresh window on either
-- path, so it can neither refuse a client forever nor count forever.
local out = {}
local k = 0
local a = 2
for _ = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  local cost = tonumber(ARGV[a + 1])
  a = a + 2
  local base = #out
  local allowed = 1
  for i = 1, n do
    local raw = redis.call('GET', KEYS[k + i])
    local count = 0
    if raw then
      if string.len(raw) > 18 or not string.match(raw, '^%d+$') then
        allowed = -1
      else
        count = tonumber(raw)
      end
    end
    local ttl = redis.call('PTTL', KEYS[k + i])
    if raw and ttl == -1 and allowed ~= -1 then
      ttl = tonumber(ARGV[a + 2 * i - 1])
      redis.call('PEXPIRE', KEYS[k + i], ttl)
    end
    out[base + 2 * i] = count
    out[base + 2 * i + 1] = ttl
    if allowed == 1 and count + cost > tonumber(ARGV[a + 2 * i - 2]) then
      allowed = 0
    end
  end
  out[base + 1] = allowed
  if allowed == 1 then
    for i = 1, n do
      local count = redis.call('INCRBY', KEYS[k + i], cost)
      local ttl = out[base + 2 * i + 1]
      if count == cost or ttl < 0 then
        ttl = tonumber(ARGV[a + 2 * i - 1])
        redis.call('PEXPIRE', KEYS[k + i], ttl)
      end
      out[base + 2 * i] = count
      out[base + 2 * i + 1] = ttl
    end
  end
  k = k + n
  a = a + 2 * n
end
return out
