#!/usr/bin/env bash
# Where the agent's CPU goes at steady state: one agent on a local redis-server (or the in-memory
# store), loaded with a wrk scenario until its throughput is flat, then recorded with JFR.
#   bench/profile.sh [scenario] [store] [seconds]     e.g. bench/profile.sh many-clients redis 30
# Prints the hottest methods (self time) and the agent's own methods (inclusive), both as shares of
# all execution samples, from `jfr view` (a JDK 21+ jfr tool; the Temurin 25 JDK's is used when
# present). The recording stays in bench/out/profile-<scenario>-<store>.jfr. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:-many-clients}
STORE=${2:-redis}
SECONDS_RECORDED=${3:-30}
CONNECTIONS=${CONNECTIONS:-64}
JAR=agent/target/agent.jar
OUT=bench/out
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }
JFR_TOOL=$(command -v /usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr || command -v jfr)
PORT=18080; MGMT=19090; REDIS=16379
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

redis_url=""
if [ "$STORE" = redis ]; then
  redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
  pids+=("$!")
  sleep 0.5
  redis_url="redis://127.0.0.1:$REDIS"
fi
env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE=bench/policy.yaml ${redis_url:+REDIS_URL=$redis_url} \
  java ${JVM_OPTS:--Xms256m -Xmx256m} -jar "$JAR" > "$OUT/agent.log" 2>&1 &
AGENT_PID=$!; pids+=("$AGENT_PID")
wait_http "http://127.0.0.1:$MGMT/health/ready"

warm_until_flat "profile-$SCENARIO-$STORE" "http://127.0.0.1:$PORT/api" "bench/$SCENARIO.lua"
RECORDING="$PWD/$OUT/profile-$SCENARIO-$STORE.jfr"
wrk -t1 -c"$CONNECTIONS" -d"$((SECONDS_RECORDED + 2))s" -s "bench/$SCENARIO.lua" "http://127.0.0.1:$PORT/api" > "$OUT/profile-wrk.txt" &
WRK_PID=$!
sleep 1
jcmd "$AGENT_PID" JFR.start name=profile settings="${JFC:-profile}" duration="${SECONDS_RECORDED}s" filename="$RECORDING" > /dev/null
wait "$WRK_PID"
sleep 1
"$JFR_TOOL" view --width 160 hot-methods "$RECORDING" | head -40
echo
echo "The agent's own methods, inclusive (share of all execution samples):"
"$JFR_TOOL" print --events jdk.ExecutionSample --stack-depth 64 "$RECORDING" | awk '
  /jdk.ExecutionSample/ { if (n) flush(); n = 1; delete seen; next }
  /line:/ && /dev\.ratelimiter/ { m = $1; if (!(m in seen)) { seen[m] = 1; count[m]++ } }
  function flush() { total++ }
  END { if (n) flush(); for (m in count) printf "%6.2f%%  %s\n", 100 * count[m] / total, m | "sort -rn | head -30"; }'
