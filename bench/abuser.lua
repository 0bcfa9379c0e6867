-- "abuser": one client (198.51.100.1) hammering /api far beyond its quota.
request = function()
  return wrk.format("GET", "/api", { ["X-Forwarded-For"] = "198.51.100.1" })
end
