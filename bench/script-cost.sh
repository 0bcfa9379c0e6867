#!/usr/bin/env bash
# What a decision costs redis-server itself, without the agent: the same stream of checks sent
# through `redis-cli --pipe` (deep pipelining, so socket work is as small as it gets) in several
# ways, and redis-server's user+system CPU divided by the checks. Shows how far the agent's script
# is from the least any script (or no script) can spend on the same keys. Loopback only.
#   bench/script-cost.sh [checks] [checks-per-call]
# Needs: redis-server, redis-cli, awk. Prints a Markdown table.
#
# Ways compared, each on a fresh (flushed) server, keys drawn at random from 1,000,000 clients as in
# the many-clients benchmark (so most checks create a key), and again from 10,000 "returning"
# clients (keys exist after the first few checks):
#   envoy-style   INCRBY + PEXPIRE as two plain pipelined commands: Envoy's ratelimit service. Not
#                 what the agent may do: a refusal spends quota, and there is no all-or-nothing
#                 across a request's limits.
#   minimal-lua   a script doing only INCRBY, then PEXPIRE (new key) or PTTL (the reset of an old
#                 one): the least Redis work a first-request fixed window with a reset can do in
#                 one atomic call, without the refusal's give-back or any checking.
#   limits.lua    the agent's script (agent/src/main/resources/.../limits.lua) for each algorithm,
#                 one limit of 10 per minute, the same batching as the agent under load.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKS=${1:-1600000}
PER_CALL=${2:-8}
PORT=${BENCH_REDIS_PORT:-16499}
SCRIPT=${BENCH_SCRIPT:-agent/src/main/resources/dev/ratelimiter/agent/store/redis/limits.lua}  # BENCH_SCRIPT: another version
OUT=bench/out/script-cost
mkdir -p "$OUT"
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }

redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!
trap 'kill $REDIS_PID 2>/dev/null; wait $REDIS_PID 2>/dev/null || true' EXIT
cli() { redis-cli -p "$PORT" "$@"; }
for _ in $(seq 1 50); do cli ping >/dev/null 2>&1 && break; sleep 0.1; done
cli ping >/dev/null || { echo "redis-server did not start on port $PORT: $OUT/redis.log"; exit 1; }

MINIMAL='for i = 1, #KEYS do
  local c = redis.call("INCRBY", KEYS[i], 1)
  if c == 1 then redis.call("PEXPIRE", KEYS[i], 60000) else redis.call("PTTL", KEYS[i]) end
end
return #KEYS'
LIMITS_SHA=$(cli script load "$(cat "$SCRIPT")")
MINIMAL_SHA=$(cli script load "$MINIMAL")

# gen WAY CLIENTS ALGORITHM: the RESP stream for CHECKS checks of WAY
gen() {
  awk -v way="$1" -v clients="$2" -v alg="$3" -v n="$CHECKS" -v per="$PER_CALL" \
      -v lsha="$LIMITS_SHA" -v msha="$MINIMAL_SHA" '
    function bulk(s) { return "$" length(s) "\r\n" s "\r\n" }
    function key() { return "rl:{bench/api|100." int(rand() * clients) "}:per-minute:" suffix ":60" }
    BEGIN {
      srand(7); ORS = ""
      suffix = alg == 0 ? "fw" : (alg == 1 ? "sw" : "tb")
      if (way == "envoy-style") {
        for (i = 0; i < n; i++) {
          k = key()
          print "*3\r\n" bulk("INCRBY") bulk(k) bulk("1")
          print "*3\r\n" bulk("PEXPIRE") bulk(k) bulk("60000")
        }
        exit
      }
      for (c = 0; c < n / per; c++) {
        if (way == "minimal-lua") {
          print "*" (3 + per) "\r\n" bulk("EVALSHA") bulk(msha) bulk(per)
          for (i = 0; i < per; i++) print bulk(key())
          continue
        }
        # limits.lua: no deadline (0), one distinct limit (algorithm, 10 requests, 60000 ms,
        # burst 10), the number of checks, all sharing (1) one limit, cost 1, index 1 -- as the
        # agent sends a batch
        print "*" (3 + per + 11) "\r\n" bulk("EVALSHA") bulk(lsha) bulk(per)
        for (i = 0; i < per; i++) print bulk(key())
        print bulk("0") bulk("1") bulk(alg) bulk("10") bulk("60000") bulk("10") bulk(per) bulk("1")
        print bulk("1") bulk("1") bulk("1")
      }
    }'
}

cpu() { cli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ {s += $2} END {printf "%.4f", s}'; }
# run WAY CLIENTS ALGORITHM: µs of redis-server CPU per check
run() {
  gen "$@" > "$OUT/stream.resp"
  cli flushall >/dev/null
  local c0 c1
  c0=$(cpu)
  cli --pipe < "$OUT/stream.resp" > "$OUT/pipe.log"
  c1=$(cpu)
  grep -q "errors: 0" "$OUT/pipe.log" || { echo "errors in $1:"; cat "$OUT/pipe.log"; exit 1; }
  awk -v a="$c0" -v b="$c1" -v n="$CHECKS" 'BEGIN {printf "%.2f", (b - a) * 1e6 / n}'
}

echo "| way | algorithm | µs per check, 1,000,000 clients | µs per check, 10,000 returning clients |"
echo "| --- | --- | ---: | ---: |"
echo "| envoy-style (not exact) | FixedWindow | $(run envoy-style 1000000 0) | $(run envoy-style 10000 0) |"
echo "| minimal-lua | FixedWindow | $(run minimal-lua 1000000 0) | $(run minimal-lua 10000 0) |"
for alg in 0 1 2; do
  name=$(echo "FixedWindow SlidingWindow TokenBucket" | cut -d' ' -f$((alg + 1)))
  echo "| limits.lua | $name | $(run limits 1000000 $alg) | $(run limits 10000 $alg) |"
done
echo
echo "$CHECKS checks, $PER_CALL per script call, redis-cli --pipe; redis-server $(redis-server --version | awk '{print $3}'); $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
