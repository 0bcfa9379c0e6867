-- "many clients" on /check, as nginx auth_request asks: every request claims a random client from a
-- pool of 1,000,000 through a trusted X-Forwarded-For, with the route in X-Original-Method/-URI.
math.randomseed(os.time())
request = function()
  local n = math.random(0, 999999)
  local ip = "100." .. math.floor(n / 65536) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
  return wrk.format("GET", "/check", { ["X-Forwarded-For"] = ip, ["X-Original-Method"] = "GET", ["X-Original-URI"] = "/api" })
end
