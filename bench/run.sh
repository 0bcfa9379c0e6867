#!/usr/bin/env bash
# Load benchmark of the agent against a raw Vert.x server (no limiting), on loopback only.
#   bench/run.sh [seconds-per-run] [connections]
# Two baselines in the same run: "raw" answers a small 200 (RawServer); "contract" answers what the
# agent answers under bench/policy.yaml, the rate-limit headers and the 429's problem body included,
# from constants (ContractServer, kept honest by ContractServerTest). CPU beyond "contract" is the
# agent's own work; "contract" beyond "raw" is what the answer itself costs in Vert.x and Netty.
# Needs: wrk and redis-server (Debian: apt-get install -y wrk redis-server), a built agent
# (mvn -B -pl agent -am verify). Prints a Markdown table: req/s, p99 latency and server RSS, and the
# ratio of each to the raw server in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
JAR=${BENCH_JAR:-agent/target/agent.jar}
CP="$JAR:agent/target/test-classes"
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] && [ -d agent/target/test-classes ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }

PORT=18080; MGMT=19090; RAW=18081; CONTRACT=18082; REDIS=16379
# JAVA and JVM_OPTS: the runtime of the agent and of the raw server alike (e.g. the Temurin 25 JDK with -XX:+UseZGC)
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xms256m -Xmx256m}
pids=()
# stop everything started here, and wait for it, so a next run finds its ports free
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

source bench/lib.sh

# one_run NAME URL LUA PID: warm up, measure, print "rps p99_ms rss_mb non2xx server_cpu_us_per_req redis_cpu_us_per_req"
one_run() {
  local name=$1 url=$2 lua=$3 pid=$4
  warm_until_flat "$name" "$url" "bench/$lua"
  local s0 r0 s1 r1 requests
  s0=$(cpu_ticks "$pid"); r0=$(cpu_ticks "$REDIS_PID")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "bench/$lua" "$url" > "$OUT/$name.txt"
  s1=$(cpu_ticks "$pid"); r1=$(cpu_ticks "$REDIS_PID")
  local rps p99 non2xx
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/$name.txt")"
  echo "$rps $p99 $(rss_mb "$pid") $non2xx $(us_per_req $((s1 - s0)) "$requests") $(us_per_req $((r1 - r0)) "$requests")"
}

start_agent() { # $1 = redis url or empty
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE=bench/policy.yaml ${1:+REDIS_URL=$1} \
    "$JAVA" $JVM_OPTS -jar "$JAR" > "$OUT/agent.log" 2>&1 &
  AGENT_PID=$!; pids+=("$AGENT_PID")
  wait_http "http://127.0.0.1:$MGMT/health/ready"
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
sleep 0.5

declare -A R
# baseline NAME CLASS PORT: one baseline server (bench package of the agent's tests), every scenario, then stopped
baseline() {
  local name=$1 class=$2 port=$3 pid
  "$JAVA" $JVM_OPTS -cp "$CP" "dev.ratelimiter.agent.bench.$class" "$port" > "$OUT/$name.log" 2>&1 &
  pid=$!; pids+=("$pid")
  wait_http "http://127.0.0.1:$port/api"
  for scenario in many-clients abuser; do
    R[$name,$scenario]=$(one_run "$name-$scenario" "http://127.0.0.1:$port/api" "$scenario.lua" "$pid")
  done
  stop "$pid"
}
baseline raw RawServer $RAW
baseline contract ContractServer $CONTRACT
for store in memory redis; do
  if [ $store = redis ]; then start_agent "redis://127.0.0.1:$REDIS"; else start_agent ""; fi
  for scenario in many-clients abuser; do
    redis-cli -p $REDIS flushall >/dev/null 2>&1 || true
    R[$store,$scenario]=$(one_run "$store-$scenario" "http://127.0.0.1:$PORT/api" "$scenario.lua" $AGENT_PID)
  done
  stop $AGENT_PID
done

echo "| scenario | server | req/s | p99 ms | RSS MiB | non-2xx | req/s vs raw | p99 vs raw | RSS vs raw | server CPU µs/req | redis CPU µs/req | CPU vs raw | CPU vs contract |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for scenario in many-clients abuser; do
  read -r rrps rp99 rrss _ rawcpu _ <<< "${R[raw,$scenario]}"
  read -r _ _ _ _ concpu _ <<< "${R[contract,$scenario]}"
  for server in raw contract memory redis; do
    read -r rps p99 rss non2xx scpu rcpu <<< "${R[$server,$scenario]}"
    awk -v s="$scenario" -v n="$server" -v a="$rps" -v b="$p99" -v c="$rss" -v d="$non2xx" -v ra="$rrps" -v rb="$rp99" -v rc="$rrss" -v sc="$scpu" -v rcp="$rcpu" -v w="$rawcpu" -v k="$concpu" \
      'BEGIN { printf "| %s | %s | %.0f | %.2f | %d | %s | %.2fx | %.2fx | %.2fx | %s | %s | %.2fx | %.2fx |\n", s, n, a, b, c, d, a/ra, b/rb, c/rc, sc, rcp, sc/w, sc/k }'
  done
done
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after warming until flat (warm_until_flat in bench/lib.sh; curves in $OUT/warmup-*.txt); JVMs $("$JAVA" -version 2>&1 | head -1) $JVM_OPTS; $(nproc) cores; raw output in $OUT/"
