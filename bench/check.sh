#!/usr/bin/env bash
# Decisions per second of one agent (Redis store) through its three entries, on loopback only:
# /api and /check with wrk, Envoy's rate limit service (gRPC ShouldRateLimit) with a bounded Java
# load loop (agent/src/test/java/dev/ratelimiter/agent/bench/GrpcLoad.java).
#   bench/check.sh [seconds-per-run] [connections-or-calls-in-flight]
# Needs: wrk and redis-server (Debian: apt-get install -y wrk redis-server), a built agent
# (mvn -B -pl agent verify). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
WARMUP=5
MAX_GRPC_CALLS=5000000
JAR=agent/target/agent.jar
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] && [ -d agent/target/test-classes ] || { echo "build first: mvn -B -pl agent verify"; exit 1; }
# the load loop's classpath: the agent's test dependencies (Vert.x's gRPC client)
mvn -B -o -pl agent dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$OUT/test-classpath.txt" > "$OUT/classpath.log"
CP="agent/target/test-classes:agent/target/classes:$(cat "$OUT/test-classpath.txt")"

PORT=18080; MGMT=19090; GRPC=18082; REDIS=16379
JVM_OPTS="-Xms256m -Xmx256m"
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=$GRPC POLICY_FILE=bench/policy.yaml \
  REDIS_URL=redis://127.0.0.1:$REDIS java $JVM_OPTS -jar "$JAR" > "$OUT/agent.log" 2>&1 &
AGENT_PID=$!; pids+=("$AGENT_PID")
wait_http "http://127.0.0.1:$MGMT/health/ready"

wrk_run() { # name lua-script -> "rps non2xx server_cpu_us_per_req"
  redis-cli -p $REDIS flushall >/dev/null 2>&1 || true
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "bench/$2" "http://127.0.0.1:$PORT/" >/dev/null
  local s0 s1 rps p99 requests non2xx
  s0=$(cpu_ticks "$AGENT_PID")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "bench/$2" "http://127.0.0.1:$PORT/" > "$OUT/check-$1.txt"
  s1=$(cpu_ticks "$AGENT_PID")
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/check-$1.txt")"
  echo "$rps $p99 $non2xx $(us_per_req $((s1 - s0)) "$requests")"
}
grpc_run() { # "calls/s over_limit errors server_cpu_us_per_call"
  redis-cli -p $REDIS flushall >/dev/null 2>&1 || true
  local s0 s1 rate ok over errors
  s0=$(cpu_ticks "$AGENT_PID")
  read -r rate ok over errors <<< "$(java $JVM_OPTS -cp "$CP" dev.ratelimiter.agent.bench.GrpcLoad $GRPC bench/api "$DURATION" "$CONNECTIONS" $MAX_GRPC_CALLS $WARMUP)"
  s1=$(cpu_ticks "$AGENT_PID")
  # the CPU covers warm-up and measured part: per call over both
  echo "$rate - $over/$errors $(awk -v t=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" -v n="$(awk -v r="$rate" -v d="$DURATION" -v w="$WARMUP" 'BEGIN{print r*(d+w)}')" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')"
}

read -r a_rps a_p99 a_non a_cpu <<< "$(wrk_run api many-clients.lua)"
read -r c_rps c_p99 c_non c_cpu <<< "$(wrk_run check check-many-clients.lua)"
read -r g_rps g_p99 g_non g_cpu <<< "$(grpc_run)"

echo "| entry | decisions/s | p99 ms | refused or failed | agent CPU µs/decision |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| /api (wrk) | $a_rps | $a_p99 | $a_non | $a_cpu |"
echo "| /check (wrk) | $c_rps | $c_p99 | $c_non | $c_cpu |"
echo "| gRPC ShouldRateLimit (GrpcLoad) | $g_rps | $g_p99 | $g_non | $g_cpu |"
echo
echo "one agent, Redis store, many-clients load; wrk -t1 -c$CONNECTIONS / GrpcLoad with $CONNECTIONS calls in flight, multiplexed on HTTP/2;"
echo "${DURATION}s measured after ${WARMUP}s warm-up; JVMs $JVM_OPTS; $(nproc) cores; raw output in $OUT/"
