#!/usr/bin/env bash
# Paired CPU split: the agent jar given (on $JAVA, with $EXTRA JVM flags) on a local Redis, many-clients then abuser,
# user and system µs per request of the agent process (and redis-server), after warming until flat. Loopback only.
#   bench/cpu-split.sh JAR    (NORAW=1: skip the raw server; SKIPMANY=1: refusals only; WARM=45: warm-up bound, s)
# usage: ustime.sh JAR  -> prints utime/stime µs per request for raw and agent-redis (many-clients)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-agent/target/agent.jar}
source bench/lib.sh
CONNECTIONS=64; OUT=bench/out/cpu-split; mkdir -p $OUT
redis-server --port 16379 --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > /dev/null 2>&1 &
RP=$!
trap 'kill $RP $AP 2>/dev/null || true' EXIT
sleep 0.5
measure() { # pid url lua label
  local pid=$1 url=$2 lua=$3 label=$4
  WARM_MAX_SECONDS=${WARM:-60} warm_until_flat "$label" "$url" "$lua" 2>/dev/null
  local u0 s0 u1 s1 r0 r1
  read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat); r0=$(awk '{print $14+$15}' /proc/$RP/stat)
  wrk -t1 -c64 -d${DUR:-15}s -s "$lua" "$url" > $OUT/$label.txt
  read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat); r1=$(awk '{print $14+$15}' /proc/$RP/stat)
  local n; n=$(awk '/requests in/ {print $1}' $OUT/$label.txt)
  awk -v l=$label -v u=$((u1-u0)) -v s=$((s1-s0)) -v r=$((r1-r0)) -v n=$n -v rps="$(awk '/Requests\/sec/ {print $2}' $OUT/$label.txt)" 'BEGIN{printf "%-28s rps=%8.0f user=%5.1f sys=%5.1f total=%5.1f redis=%4.1f us/req\n", l, rps, u*1e4/n, s*1e4/n, (u+s)*1e4/n, r*1e4/n}'
}
if [ -z "${NORAW:-}" ]; then
java -Xms256m -Xmx256m -cp "agent/target/test-classes:$JAR" dev.ratelimiter.agent.bench.RawServer 18081 > /dev/null 2>&1 &
AP=$!; wait_http http://127.0.0.1:18081/api
measure $AP http://127.0.0.1:18081/api bench/many-clients.lua raw
kill $AP; wait $AP 2>/dev/null || true
fi
env BIND_ADDRESS=127.0.0.1 HTTP_PORT=18080 MANAGEMENT_PORT=19090 GRPC_PORT=0 POLICY_FILE=bench/policy.yaml REDIS_URL=redis://127.0.0.1:16379 ${JAVA:-java} -Xms256m -Xmx256m ${EXTRA:-} -jar $JAR > $OUT/agent.log 2>&1 &
AP=$!; wait_http http://127.0.0.1:19090/health/ready
[ -n "${SKIPMANY:-}" ] || measure $AP http://127.0.0.1:18080/api bench/many-clients.lua agent-many-$(basename $(dirname $JAR))${TAG:-}
redis-cli -p 16379 flushall > /dev/null
measure $AP http://127.0.0.1:18080/api bench/abuser.lua agent-abuser-$(basename $(dirname $JAR))${TAG:-}
