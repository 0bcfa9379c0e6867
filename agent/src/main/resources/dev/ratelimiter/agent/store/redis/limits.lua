-- Decides a batch of requests, each for one client against every limit of its policy, whatever
-- each limit's algorithm. Each request costs C units of each limit (1 for an HTTP request, Envoy's
-- hits_addend over gRPC, a token budget's reservation) and consumes them only when all of its
-- limits allow their C; a refused request
-- consumes nothing, and a cost above what a limit can ever admit is always refused. Requests are
-- decided in order, so two requests of one client in the same batch are counted exactly as if they
-- had come one by one.
-- ARGV[1]            the deadline in ms of Redis's clock (TIME); a call run after it decides nothing
--                    and returns {-2, now}; 0 or less: none. The clock is read either way, so every
--                    reply tells the agent Redis's time.
-- ARGV[2]            number of distinct limits L in the batch, then L quads:
--                    algorithm (0 FixedWindow, 1 SlidingWindow, 2 TokenBucket), requests, window in ms, burst
-- then               number of requests R, and 1 when all R share their costs and one list of limits
--                    (the usual batch: one policy, cost 1), else 0
-- then               for that shared case once, else per request: N (its number of limits), then N
--                    pairs: an index (1..L) into the quads and that limit's cost C (at least 1)
-- KEYS               the requests' counters in order, N per request: rl:{<scope>|<client>}:<limit>:<fw|sw|tb>:<window s>
-- Redis Cluster calls carry the counters of several hash slots of one node (LuaScript's
-- ACROSS_SLOTS form: flags=allow-cross-slot-keys, Redis 7): Redis refuses declared keys of two slots
-- but lets a script so flagged touch undeclared keys of any slot its node serves. KEYS then holds
-- only the first counter, which routes the call to its node; ARGV[1] is the number of counters K,
-- ARGV[2..K+1] the counters, and the arguments above follow. A counter whose slot has moved to
-- another node (resharding) fails its first command: that request alone answers -3, below.
-- Returns per request: allowed (1 | 0 | -1 | -3), now (ms from TIME), then
-- per limit: remaining, reset in ms (until the window ends / the bucket or log is empty again),
-- retry in ms (until this limit would allow C; 0 when it does now).
-- -1: a counter of this request holds something it cannot have written (tampered); nothing is
-- consumed and the agent treats it as a store error for this request alone. -3 (Cluster): a counter
-- of this request is in a slot this node no longer serves; nothing is consumed and the agent sends
-- the request again on its own.
-- Time: FixedWindow needs none (a key with a TTL), but the deadline does; TIME is read once per
-- call, and Redis's clock is the only one the algorithms use, never the agent's. All arithmetic is on whole numbers below 2^53, so Lua's doubles are exact.
-- FixedWindow consumes first (INCRBY) and gives back on a refusal (DECRBY, or DEL of a key it
-- created): the script is atomic, so no one ever sees the units it gave back, and it saves the
-- GET before every increment. It is decided inline in the main loop: most checks are FixedWindow,
-- and every Lua operation per check shows in Redis's CPU per decision (bench/script-cost.sh).
local now = -1
local function clock()
  if now < 0 then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now
end
local function floordiv(a, b)
  return (a - math.fmod(a, b)) / b
end
local function ceildiv(a, b)
  local r = math.fmod(a, b)
  local q = (a - r) / b
  if r > 0 then q = q + 1 end
  return q
end
-- Cluster: a key whose slot this node no longer serves (resharding) fails its first command; the
-- request is then answered -3 and the agent sends it again on its own, to the slot's new master
local gone = false
local function failed(v)
  if type(v) == 'table' and v.err then
    if string.find(v.err, 'non local key', 1, true) then gone = true end
    return true
  end
  return false
end
-- a read that reports a key of the wrong type (tampered) instead of failing the whole call
local function read(cmd, key, arg)
  local v
  if arg == nil then v = redis.pcall(cmd, key) else v = redis.pcall(cmd, key, arg) end
  if failed(v) then return false, nil end
  return true, v
end

-- SlidingWindow and TokenBucket: check(key, cost, quota, window, burst) -> ok, allows, remaining,
-- reset, retry, state, and consume(key, cost, quota, window, burst, state) -> remaining, reset.
-- SlidingWindow: a list of the admitted requests of the last window, oldest first, each
-- 'time:cost:cumulative cost'; at most `quota` entries (each costs at least 1).
local function entry(raw)
  if not raw then return nil end
  local t, c, cum = string.match(raw, '^(%d+):(%d+):(%d+)$')
  if not t or string.len(raw) > 50 then return false end
  return { tonumber(t), tonumber(c), tonumber(cum) }
end
local sliding = {}
function sliding.check(key, cost, quota, window)
  local t = clock()
  local ok, raw = read('LINDEX', key, 0)
  if not ok then return false end
  local head = entry(raw)
  while head and head[1] + window <= t do
    redis.call('LPOP', key)
    head = entry(redis.call('LINDEX', key, 0))
  end
  if head == false then return false end
  local tail = nil
  local sum = 0
  if head then
    tail = entry(redis.call('LINDEX', key, -1))
    if not tail then return false end
    sum = tail[3] - head[3] + head[2]
  end
  local reset = window
  if tail then reset = tail[1] + window - t end
  local allows = sum + cost <= quota
  local retry = 0
  if not allows then
    if cost > quota then
      retry = reset
    else
      -- the first entries whose leaving frees enough: each holds at least 1 unit
      local need = sum + cost - quota
      local freed = 0
      for _, raw_e in ipairs(redis.call('LRANGE', key, 0, need - 1)) do
        local e = entry(raw_e)
        if not e then return false end
        freed = freed + e[2]
        if freed >= need then
          retry = e[1] + window - t
          break
        end
      end
    end
  end
  return true, allows, math.max(0, quota - sum), reset, retry, { sum, tail }
end
function sliding.consume(key, cost, quota, window, burst, state)
  local t = clock()
  local sum, tail = state[1], state[2]
  local at, cum = t, cost
  if tail then
    at = math.max(t, tail[1])
    cum = tail[3] + cost
  end
  redis.call('RPUSH', key, string.format('%d:%d:%d', at, cost, cum))
  redis.call('PEXPIRE', key, at + window - t)
  return math.max(0, quota - sum - cost), at + window - t
end

-- TokenBucket (GCRA): 'tokens x window in ms:when' -- tokens scaled by the window, so a token
-- accrues as `quota` units per ms, exactly. Absent = a full bucket (the key expires when full).
-- Negative tokens are a token budget's debt (settle.lua), at most one burst: below that is tampered.
local bucket = {}
function bucket.check(key, cost, quota, window, burst)
  local t = clock()
  local ok, raw = read('GET', key)
  if not ok then return false end
  local cap = burst * window
  local tokens = cap
  local at = t
  if raw then
    local v, w = string.match(raw, '^(-?%d+):(%d+)$')
    if not v or string.len(raw) > 40 or tonumber(v) < -cap then return false end
    tokens = math.min(tonumber(v), cap)
    at = math.max(t, tonumber(w))
    local elapsed = at - tonumber(w)
    if elapsed >= ceildiv(cap - tokens, quota) then
      tokens = cap
    else
      tokens = tokens + elapsed * quota
    end
  end
  local reset = ceildiv(cap - tokens, quota)
  local allows = cost <= burst and tokens >= cost * window
  local retry = 0
  if cost > burst then
    retry = reset
  elseif not allows then
    retry = ceildiv(cost * window - tokens, quota)
  end
  return true, allows, math.max(0, floordiv(tokens, window)), reset, retry, { tokens, at }
end
function bucket.consume(key, cost, quota, window, burst, state)
  local t = clock()
  local tokens = state[1] - cost * window
  local reset = ceildiv(burst * window - tokens, quota)
  redis.call('SET', key, string.format('%d:%d', tokens, state[2]), 'PX', reset + (state[2] - t))
  return floordiv(tokens, window), reset
end

-- keys and arguments; a Redis Cluster call replaces this line (LuaScript: keys of several slots)
local keys, args = KEYS, ARGV
local deadline = tonumber(args[1])
if clock() > deadline and deadline > 0 then
  return { -2, now }
end

local algorithms = { [1] = sliding, [2] = bucket }
-- the batch's distinct limits, parsed once; fixed[j]: limit j is a FixedWindow
local algs, fixed, quotas, windows, bursts = {}, {}, {}, {}, {}
local a = 3
for j = 1, tonumber(args[2]) do
  local algorithm = tonumber(args[a])
  fixed[j] = algorithm == 0
  algs[j] = algorithms[algorithm]
  quotas[j] = tonumber(args[a + 1])
  windows[j] = tonumber(args[a + 2])
  bursts[j] = tonumber(args[a + 3])
  a = a + 4
end
local requests = tonumber(args[a])
local shared = args[a + 1] == '1'
a = a + 2
local n
local ids, costs = {}, {}
local function limitsOf()
  n = tonumber(args[a])
  for i = 1, n do
    ids[i] = tonumber(args[a + 2 * i - 1])
    costs[i] = tonumber(args[a + 2 * i])
  end
  a = a + 1 + 2 * n
end
if shared then limitsOf() end
local out = {}
local o = 0 -- entries of out so far
local k = 0 -- keys used so far
local states = {}
local taken = {}
for _ = 1, requests do
  if not shared then limitsOf() end
  local allowed = 1
  for i = 1, n do
    local j = ids[i]
    local cost = costs[i]
    local key = keys[k + i]
    local p = o + 3 * i -- out[p], out[p + 1], out[p + 2]: remaining, reset, retry
    if fixed[j] then
      local quota = quotas[j]
      local count = redis.pcall('INCRBY', key, cost)
      -- not a number: wrong type, not an integer, or an overflow; Redis changed nothing
      local ok = type(count) == 'number'
      if not ok then failed(count) end
      local before
      if ok then
        before = count - cost
        if before < 0 or before > 999999999999999999 then
          -- a count the script cannot have written (negative, or above 18 digits): left as it was
          redis.call('DECRBY', key, cost)
          ok = false
        end
      end
      if not ok then
        allowed = -1
        taken[i] = false
        out[p], out[p + 1], out[p + 2] = 0, 0, 0
      else
        local ttl
        if before == 0 then
          -- a new key (or one holding 0): a fresh window
          ttl = windows[j]
          redis.call('PEXPIRE', key, ttl)
        else
          ttl = redis.call('PTTL', key)
          if ttl < 0 then
            -- no TTL (someone SET it, or a PEXPIRE was lost): a fresh window, so it cannot count forever
            ttl = windows[j]
            redis.call('PEXPIRE', key, ttl)
          end
        end
        taken[i] = true
        states[i] = before
        -- remaining before this request: what stays if the request is refused after all
        local remaining = quota - before
        if count <= quota then
          out[p], out[p + 1], out[p + 2] = remaining, ttl, 0
        else
          if allowed == 1 then allowed = 0 end
          if remaining < 0 then remaining = 0 end
          out[p], out[p + 1], out[p + 2] = remaining, ttl, ttl
        end
      end
    else
      local ok, allows, remaining, reset, retry, state =
        algs[j].check(key, cost, quotas[j], windows[j], bursts[j])
      if not ok then
        allowed = -1
        remaining, reset, retry = 0, 0, 0
      elseif not allows and allowed == 1 then
        allowed = 0
      end
      states[i] = state
      taken[i] = ok
      out[p], out[p + 1], out[p + 2] = remaining, reset, retry
    end
  end
  if allowed == 1 then
    for i = 1, n do
      local j = ids[i]
      if fixed[j] then
        -- consumed already: what remains after this request
        out[o + 3 * i] = quotas[j] - states[i] - costs[i]
      else
        local remaining, reset = algs[j].consume(keys[k + i], costs[i], quotas[j], windows[j], bursts[j], states[i])
        out[o + 3 * i] = remaining
        out[o + 3 * i + 1] = reset
      end
    end
  else
    -- refused (or tampered): give back what FixedWindow limits took
    for i = 1, n do
      if taken[i] and fixed[ids[i]] then
        if states[i] == 0 then
          redis.call('DEL', keys[k + i])
        else
          redis.call('DECRBY', keys[k + i], costs[i])
        end
      end
    end
  end
  if gone then
    allowed = -3
    gone = false
  end
  out[o + 1] = allowed
  out[o + 2] = now
  o = o + 2 + 3 * n
  k = k + n
end
return out
