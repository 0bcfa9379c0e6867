-- Cycles through the first POOL tokens of bench/out/tokens-$ALG.txt (ALG: ES256 or RS256), one per request, as
-- "Authorization: Bearer <token>". POOL is set per run by bench/jwt.sh: a pool larger than the
-- agent's token cache (10,000) makes every request a cache miss (cycling evicts each token before
-- it comes round again); a small pool is a warm cache.
local tokens = {}
local pool = tonumber(os.getenv("POOL") or "100")
for line in io.lines("bench/out/tokens-" .. (os.getenv("ALG") or "ES256") .. ".txt") do
  tokens[#tokens + 1] = line
  if #tokens >= pool then break end
end
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/api", { ["Authorization"] = "Bearer " .. tokens[i] })
end
