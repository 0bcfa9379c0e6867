-- "many clients": every request claims a random client from a pool of 1,000,000 through a
-- trusted X-Forwarded-For (the agent trusts 127.0.0.1/32 in this benchmark).
math.randomseed(os.time())
request = function()
  local n = math.random(0, 999999)
  local ip = "100." .. math.floor(n / 65536) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
  return wrk.format("GET", "/api", { ["X-Forwarded-For"] = ip })
end
