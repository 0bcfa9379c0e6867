#!/usr/bin/env bash
# How fast a new agent serves at full speed: from process start to /health/ready, then req/s in
# 5 s windows after ready as a share of the same agent's steady state (after a minute of load).
#   bench/startup.sh [runs]            ONLY=<regex> runs only the variants whose name matches
# Variants, each in its own fresh JVM: no warm-up (WARM_UP_SECONDS=0), the default warm-up, and,
# when the Temurin 25 JDK is there, the default warm-up on JDK 25 with and without an AOT cache
# trained by one earlier run (-XX:AOTCacheOutput / -XX:AOTCache).
# Redis store, many clients (bench/many-clients.lua), loopback only. Needs: wrk and redis-server
# (Debian: apt-get install -y wrk redis-server), a built agent (mvn -B -pl agent -am package).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-2}
JAR=agent/target/agent.jar
OUT=bench/out/startup
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am package -DskipTests"; exit 1; }

PORT=18280; MGMT=19290; GRPC=18281; REDIS=16579
JVM_OPTS="-Xms256m -Xmx256m"
WINDOWS=6        # 5 s windows after ready
STEADY_AFTER=60  # s of load before the steady-state window
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
pids+=($!)
sleep 0.5

now_ms() { date +%s%3N; }
rps_of() { wrk -t1 -c64 -d"$1s" -s bench/many-clients.lua "http://127.0.0.1:$PORT/api" | awk '/Requests\/sec/ {printf "%.0f", $2}'; }

# run NAME JAVA WARM_UP_SECONDS [JVM flags...]: prints "ready_s w1 w2 ... steady"
run() {
  local name=$1 java=$2 warm=$3; shift 3
  redis-cli -p $REDIS flushall >/dev/null
  local t0; t0=$(now_ms)
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=$GRPC WARM_UP_SECONDS="$warm" \
    POLICY_FILE=bench/policy.yaml REDIS_URL=redis://127.0.0.1:$REDIS \
    "$java" $JVM_OPTS "$@" -jar "$JAR" > "$OUT/$name.log" 2>&1 &
  local pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$MGMT/health/ready"; do
    kill -0 $pid 2>/dev/null || { echo "agent exited: $(tail -3 "$OUT/$name.log")" >&2; return 1; }
    sleep 0.02
  done
  local ready=$(( $(now_ms) - t0 ))
  local line; line=$(awk -v r="$ready" 'BEGIN {printf "%.2f", r / 1000}')
  for _ in $(seq $WINDOWS); do line="$line $(rps_of 5)"; done
  wrk -t1 -c64 -d"$((STEADY_AFTER - 5 * WINDOWS))s" -s bench/many-clients.lua "http://127.0.0.1:$PORT/api" >/dev/null
  line="$line $(rps_of 10)"
  kill $pid; wait $pid 2>/dev/null || true
  echo "$line"
}

variants=("no warm-up|java|0" "warm-up|java|10")
if [ -x "$JDK25/bin/java" ] && [[ "JDK 25" =~ ${ONLY:-.} ]]; then
  # one training run writes the AOT cache when the JVM exits (SIGTERM ends the agent cleanly)
  rm -f "$OUT/agent.aot"
  run train-aot "$JDK25/bin/java" 10 -XX:AOTCacheOutput="$OUT/agent.aot" > /dev/null
  variants+=("warm-up, JDK 25|$JDK25/bin/java|10" "warm-up, JDK 25 + AOT cache|$JDK25/bin/java|10|-XX:AOTCache=$OUT/agent.aot")
fi

echo "| variant | run | ready after s | $(for w in $(seq $WINDOWS); do printf '%d-%d s | ' $((5 * w - 5)) $((5 * w)); done)steady req/s |"
echo "| --- | ---: | ---: | $(for _ in $(seq $WINDOWS); do printf -- '---: | '; done)---: |"
for v in "${variants[@]}"; do
  IFS='|' read -r name java warm flags <<< "$v"
  [[ "$name" =~ ${ONLY:-.} ]] || continue
  for r in $(seq "$RUNS"); do
    read -r -a f <<< "$(run "${name// /-}-$r" "$java" "$warm" ${flags:+$flags})"
    steady=${f[-1]}
    shares=""
    for i in $(seq 1 $WINDOWS); do shares="$shares $(awk -v a="${f[$i]}" -v s="$steady" 'BEGIN {printf "%d%%", 100 * a / s}') |"; done
    echo "| $name | $r | ${f[0]} |$shares $steady |"
  done
done
