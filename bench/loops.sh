#!/usr/bin/env bash
# Throughput and CPU per request with 1, 2 and 4 event loops, against the raw Vert.x server given
# the same number of loops in the same run (loopback only).
#   bench/loops.sh [seconds-measured] [connections]        LOOPS="1 2 4" picks the loop counts
# The loop count is set the way a pod's CPU limit sets it: -XX:ActiveProcessorCount=N (the agent
# and the raw server start one event loop per processor the JVM sees). Redis store, many clients
# (bench/many-clients.lua). Each server gets 30 s of load before the measured window so the JIT has
# settled. Also prints each event loop's share of the loops' CPU time in the window (from
# /proc/<pid>/task/<tid>/stat), so a loop that does nothing shows as 0%.
# Pinning: with PIN=1 the server runs on CPU 1 and wrk + redis-server on CPU 0 (taskset), so the
# load generator never takes the server's core; on a 2-core machine that leaves the server one core
# whatever its loop count, which measures what extra loops cost rather than what they gain.
# Needs: wrk, redis-server, a built agent (mvn -B -pl agent -am verify, for the raw server's test
# classes).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
LOOPS=${LOOPS:-"1 2 4"}
PIN=${PIN:-0}
SETTLE=30
JAR=${JAR:-agent/target/agent.jar}
CP=${CP:-"$JAR:agent/target/test-classes"}
OUT=bench/out/loops
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] && [ -d "${CP#*:}" ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }

PORT=18380; MGMT=19390; REDIS=16679
JVM_OPTS="-Xms256m -Xmx256m"
SERVER_CPU=(); LOAD_CPU=()
if [ "$PIN" = 1 ]; then SERVER_CPU=(taskset -c 1); LOAD_CPU=(taskset -c 0); fi
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

# ready can take 20 s and more: up to WARM_UP_SECONDS of warm-up, on one core with PIN=1
wait_ready() { for _ in $(seq 1 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1"; exit 1; }
# "tid ticks" of every Vert.x event-loop thread of a process
loop_ticks() {
  local task
  for task in /proc/"$1"/task/*; do
    awk -v tid="${task##*/}" '{ n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n);
      r = $0; sub(/^.*\) /, "", r); split(r, f, " ");
      if (n ~ /^vert\.x-eventloo/) print tid, f[12] + f[13] }' "$task/stat" 2>/dev/null || true
  done
}
# shares of the N busiest loops in the window, largest first ("52% 48%"), then the rest together
# (Vert.x has 2 loops per processor; the agent and the raw server serve on N of them)
loop_shares() { # before-file after-file N
  join -a 2 -e 0 -o 0,1.2,2.2 <(sort "$1") <(sort "$2") | awk '{ print $3 - $2 }' | sort -rn |
    awk -v top="$3" '{ d[NR] = $1; t += $1 } END { s = ""; rest = 0
      for (i = 1; i <= NR; i++) { if (i <= top) s = s sprintf("%s%.0f%%", (i > 1 ? " " : ""), t ? 100 * d[i] / t : 0); else rest += d[i] }
      print s sprintf(" (rest %.0f%%)", t ? 100 * rest / t : 0) }'
}

"${LOAD_CPU[@]}" redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
sleep 0.5

# measure NAME URL PID LOOPS: prints "rps p99_ms server_cpu_us_per_req redis_cpu_us_per_req shares"
measure() {
  local name=$1 url=$2 pid=$3 n=$4 s0 r0 s1 r1 rps p99 requests non2xx
  "${LOAD_CPU[@]}" wrk -t1 -c"$CONNECTIONS" -d"${SETTLE}s" -s bench/many-clients.lua "$url" >/dev/null
  loop_ticks "$pid" > "$OUT/$name.loops0"
  s0=$(cpu_ticks "$pid"); r0=$(cpu_ticks "$REDIS_PID")
  "${LOAD_CPU[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/many-clients.lua "$url" > "$OUT/$name.txt"
  s1=$(cpu_ticks "$pid"); r1=$(cpu_ticks "$REDIS_PID")
  loop_ticks "$pid" > "$OUT/$name.loops1"
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/$name.txt")"
  echo "$rps $p99 $(us_per_req $((s1 - s0)) "$requests") $(us_per_req $((r1 - r0)) "$requests") $(loop_shares "$OUT/$name.loops0" "$OUT/$name.loops1" "$n")"
}

echo "| loops | server | req/s | p99 ms | server CPU µs/req | redis CPU µs/req | req/s vs raw | CPU/req vs raw | each loop's share of loop CPU |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for n in $LOOPS; do
  "${SERVER_CPU[@]}" java $JVM_OPTS -XX:ActiveProcessorCount="$n" -cp "$CP" dev.ratelimiter.agent.bench.RawServer $PORT > "$OUT/raw-$n.log" 2>&1 &
  pid=$!; pids+=("$pid")
  wait_http "http://127.0.0.1:$PORT/api"
  raw=$(measure "raw-$n" "http://127.0.0.1:$PORT/api" "$pid" "$n")
  kill "$pid"; wait "$pid" 2>/dev/null || true

  redis-cli -p $REDIS flushall >/dev/null
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE=bench/policy.yaml \
    REDIS_URL="redis://127.0.0.1:$REDIS" \
    "${SERVER_CPU[@]}" java $JVM_OPTS -XX:ActiveProcessorCount="$n" -jar "$JAR" > "$OUT/agent-$n.log" 2>&1 &
  pid=$!; pids+=("$pid")
  wait_ready "http://127.0.0.1:$MGMT/health/ready"
  agent=$(measure "agent-$n" "http://127.0.0.1:$PORT/api" "$pid" "$n")
  kill "$pid"; wait "$pid" 2>/dev/null || true

  read -r rrps rp99 rcpu _ rshares <<< "$raw"
  read -r arps ap99 acpu aredis ashares <<< "$agent"
  echo "| $n | raw | $(printf %.0f "$rrps") | $rp99 | $rcpu | - | 1.00x | 1.00x | $rshares |"
  awk -v n="$n" -v a="$arps" -v p="$ap99" -v c="$acpu" -v r="$aredis" -v ra="$rrps" -v rc="$rcpu" -v s="$ashares" \
    'BEGIN { printf "| %s | agent (redis) | %.0f | %s | %s | %s | %.2fx | %.2fx | %s |\n", n, a, p, c, r, a / ra, c / rc, s }'
done
echo
echo "wrk -t1 -c$CONNECTIONS, ${SETTLE}s of load then ${DURATION}s measured; JVMs $JVM_OPTS -XX:ActiveProcessorCount=N; PIN=$PIN; $(nproc) cores; raw output in $OUT/"
