#!/usr/bin/env bash
# The in-memory store with a million live clients, on each runtime, against the raw Vert.x server
# on the same runtime and heap: p99 latency and CPU per request at steady state. Loopback only.
#   bench/memory.sh [seconds-measured] [connections]
# Needs wrk and a built agent (mvn -B -pl agent -am verify). The many-clients scenario draws every
# request's client from 1,000,000 through a trusted X-Forwarded-For; a 1-minute fixed window keeps a
# client live for 60 s, so after the warm-up (at least 60 s here) most of the million are live at
# once. Runtimes: VARIANTS, "name|java|flags" per line (default below; JDK25 is where the Temurin 25
# JDK lives on this kind of machine).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNECTIONS=${2:-64}
HEAP=${HEAP:--Xms1g -Xmx1g}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JAR=${BENCH_JAR:-agent/target/agent.jar}
CP="$JAR:agent/target/test-classes"
OUT=bench/out
mkdir -p "$OUT"
[ -f "$JAR" ] && [ -d agent/target/test-classes ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }
VARIANTS=${VARIANTS:-"jdk17-g1|java|
jdk25-g1|$JDK25|
jdk25-zgc|$JDK25|-XX:+UseZGC
jdk25-zgc-compact|$JDK25|-XX:+UseZGC -XX:+UseCompactObjectHeaders"}
PORT=18080; MGMT=19090; RAW=18081
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh
for p in $PORT $MGMT $RAW; do
  ! curl -s -o /dev/null "http://127.0.0.1:$p/" || { echo "port $p is taken: stop what serves it first"; exit 1; }
done
export WARM_MAX_SECONDS=${WARM_MAX_SECONDS:-120}

# measure NAME URL PID: warm until flat (at least 60 s, so the million fill), then the measured run
measure() {
  local name=$1 url=$2 pid=$3
  wrk -t1 -c"$CONNECTIONS" -d40s -s bench/many-clients.lua "$url" > /dev/null
  warm_until_flat "$name" "$url" bench/many-clients.lua
  local s0 s1 rps p99 requests non2xx
  s0=$(cpu_ticks "$pid")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/many-clients.lua "$url" > "$OUT/memory-$name.txt"
  s1=$(cpu_ticks "$pid")
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/memory-$name.txt")"
  echo "$rps $p99 $(rss_mb "$pid") $non2xx $(us_per_req $((s1 - s0)) "$requests")"
}

echo "| runtime | server | req/s | p99 ms | RSS MiB | non-2xx | CPU µs/req | p99 vs raw | CPU/req vs raw |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
while IFS='|' read -r name java flags; do
  [ -n "$name" ] || continue
  "$java" $HEAP $flags -cp "$CP" dev.ratelimiter.agent.bench.RawServer $RAW > "$OUT/raw.log" 2>&1 &
  RAW_PID=$!; pids+=("$RAW_PID")
  wait_http "http://127.0.0.1:$RAW/api"
  read -r rrps rp99 rrss rnon rcpu <<< "$(measure "$name-raw" "http://127.0.0.1:$RAW/api" $RAW_PID)"
  kill $RAW_PID; wait $RAW_PID 2>/dev/null || true
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE=bench/policy.yaml MEMORY_MAX_CLIENTS=2000000 \
    "$java" $HEAP $flags -jar "$JAR" > "$OUT/agent.log" 2>&1 &
  AGENT_PID=$!; pids+=("$AGENT_PID")
  wait_http "http://127.0.0.1:$MGMT/health/ready"
  read -r rps p99 rss non2xx cpu <<< "$(measure "$name-memory" "http://127.0.0.1:$PORT/api" $AGENT_PID)"
  kill $AGENT_PID; wait $AGENT_PID 2>/dev/null || true
  awk -v n="$name" -v a="$rrps" -v b="$rp99" -v c="$rrss" -v d="$rnon" -v e="$rcpu" \
    'BEGIN { printf "| %s | raw | %.0f | %.2f | %d | %s | %s | 1.00x | 1.00x |\n", n, a, b, c, d, e }'
  awk -v n="$name" -v a="$rps" -v b="$p99" -v c="$rss" -v d="$non2xx" -v e="$cpu" -v rb="$rp99" -v re="$rcpu" \
    'BEGIN { printf "| %s | agent (memory) | %.0f | %.2f | %d | %s | %s | %.2fx | %.2fx |\n", n, a, b, c, d, e, b/rb, e/re }'
done <<< "$VARIANTS"
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after 40 s of load and warming until flat; heap $HEAP; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
