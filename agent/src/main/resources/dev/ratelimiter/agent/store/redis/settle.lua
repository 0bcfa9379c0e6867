-- Settles a token budget's reservation for one client: adds each limit's delta (the reported usage
-- minus what was reserved), never refusing. A charge (delta > 0) may leave the counter past its
-- quota, so the client waits until it has recovered: at most one burst beyond. A refund (delta < 0)
-- gives units back, never below nothing counted. A counter that is gone (its window ended) takes a
-- charge into a new window and ignores a refund. A counter holding what limits.lua cannot have
-- written is left alone.
-- KEYS               the counters, one per limit settled (as limits.lua names them)
-- ARGV               per key: algorithm (0 FixedWindow, 1 SlidingWindow, 2 TokenBucket), requests,
--                    window in ms, burst, delta
-- Returns the number of counters changed.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function ceildiv(a, b)
  local r = math.fmod(a, b)
  local q = (a - r) / b
  if r > 0 then q = q + 1 end
  return q
end

local function fixed(key, quota, window, delta)
  local raw = redis.pcall('GET', key)
  if type(raw) == 'table' then return 0 end
  if not raw then
    if delta <= 0 then return 0 end
    redis.call('SET', key, math.min(delta, 2 * quota), 'PX', window)
    return 1
  end
  local count = tonumber(raw)
  if not count or count < 0 or count > 999999999999999999 or count ~= math.floor(count) then
    return 0
  end
  local after = math.min(math.max(0, count + delta), 2 * quota)
  if after == 0 then
    redis.call('DEL', key)
  else
    redis.call('INCRBY', key, after - count)
    if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, window) end
  end
  return 1
end

local function entry(raw)
  if not raw then return nil end
  local e, c, cum = string.match(raw, '^(%d+):(%d+):(%d+)$')
  if not e or string.len(raw) > 50 then return false end
  return { tonumber(e), tonumber(c), tonumber(cum) }
end

local function sliding(key, quota, window, delta)
  local first = redis.pcall('LINDEX', key, 0)
  if type(first) == 'table' then return 0 end -- not a list
  -- entries that have left the window go first
  local head = entry(first)
  while head and head[1] + window <= now do
    redis.call('LPOP', key)
    head = entry(redis.call('LINDEX', key, 0))
  end
  if head == false then return 0 end
  if delta > 0 then
    local at, cum, sum = now, 0, 0
    if head then
      local tail = entry(redis.call('LINDEX', key, -1))
      if not tail then return 0 end
      at = math.max(now, tail[1])
      sum = tail[3] - head[3] + head[2]
    end
    local charge = math.min(delta, math.max(0, 2 * quota - sum))
    if charge <= 0 then return 0 end
    if not head then cum = charge end
    if head then cum = entry(redis.call('LINDEX', key, -1))[3] + charge end
    redis.call('RPUSH', key, string.format('%d:%d:%d', at, charge, cum))
    redis.call('PEXPIRE', key, at + window - now)
    return 1
  end
  -- a refund takes from the oldest entries, so what stays counted leaves no earlier than it would
  local need = -delta
  while need > 0 and head do
    if head[2] <= need then
      need = need - head[2]
      redis.call('LPOP', key)
      head = entry(redis.call('LINDEX', key, 0))
      if head == false then return 1 end
    else
      redis.call('LSET', key, 0, string.format('%d:%d:%d', head[1], head[2] - need, head[3]))
      need = 0
    end
  end
  return 1
end

local function bucket(key, quota, window, burst, delta)
  local raw = redis.pcall('GET', key)
  if type(raw) == 'table' then return 0 end
  local cap = burst * window
  local tokens, at = cap, now
  if raw then
    local v, w = string.match(raw, '^(-?%d+):(%d+)$')
    if not v or string.len(raw) > 40 or tonumber(v) < -cap then return 0 end
    tokens = math.min(tonumber(v), cap)
    at = math.max(now, tonumber(w))
    local elapsed = at - tonumber(w)
    if elapsed >= ceildiv(cap - tokens, quota) then
      tokens = cap
    else
      tokens = tokens + elapsed * quota
    end
  elseif delta <= 0 then
    return 0 -- a full bucket: nothing to give back
  end
  tokens = math.max(-cap, math.min(cap, tokens - delta * window))
  if tokens >= cap then
    redis.call('DEL', key)
  else
    redis.call('SET', key, string.format('%d:%d', tokens, at), 'PX', ceildiv(cap - tokens, quota) + (at - now))
  end
  return 1
end

local changed = 0
for i = 1, #KEYS do
  local a = 5 * (i - 1)
  local algorithm = tonumber(ARGV[a + 1])
  local quota, window, burst = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local delta = tonumber(ARGV[a + 5])
  if algorithm == 0 then
    changed = changed + fixed(KEYS[i], quota, window, delta)
  elseif algorithm == 1 then
    changed = changed + sliding(KEYS[i], quota, window, delta)
  else
    changed = changed + bucket(KEYS[i], quota, window, burst, delta)
  end
end
return changed
