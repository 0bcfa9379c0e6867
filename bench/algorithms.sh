#!/usr/bin/env bash
# Each algorithm in the many-clients scenario, through the agent with a local redis-server:
# req/s, p99, and CPU per decision of the agent and of redis-server. Loopback only.
#   bench/algorithms.sh [seconds-per-run] [connections]
# Needs: wrk, redis-server, curl and a built agent (mvn -B -pl agent -am verify). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
JAR=${BENCH_JAR:-agent/target/agent.jar}  # BENCH_JAR: another build, e.g. to compare before/after
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }

# other ports than run.sh, so the two can run on one machine
PORT=${BENCH_PORT:-18180}; MGMT=${BENCH_MGMT_PORT:-19190}; REDIS=${BENCH_REDIS_PORT:-16479}
JVM_OPTS="-Xms256m -Xmx256m"
pids=()
# stop everything started here, and wait for it, so a next run finds its ports free
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
sleep 0.5

# The benchmark policy (bench/policy.yaml) with its one limit under each algorithm: 10 per minute,
# a TokenBucket of burst 10 refilling 10 per minute.
declare -A LIMIT=(
  [FixedWindow]="{name: per-minute, requests: 10, window: 1m, algorithm: FixedWindow}"
  [SlidingWindow]="{name: per-minute, requests: 10, window: 1m, algorithm: SlidingWindow}"
  [TokenBucket]="{name: per-minute, requests: 10, window: 1m, algorithm: TokenBucket, burst: 10}"
)
echo "| algorithm | req/s | p99 ms | non-2xx | agent CPU µs/req | redis CPU µs/req | checks per script call |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for algorithm in FixedWindow SlidingWindow TokenBucket; do
  policy="$OUT/policy-$algorithm.yaml"
  printf 'policy: bench/api\ngeneration: 1\nlimits: [%s]\nclientKey: {trustedProxies: [127.0.0.1/32]}\nfailurePolicy: Open\n' \
    "${LIMIT[$algorithm]}" > "$policy"
  redis-cli -p $REDIS flushall >/dev/null
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE="$policy" REDIS_URL=redis://127.0.0.1:$REDIS \
    java $JVM_OPTS -jar "$JAR" > "$OUT/agent-$algorithm.log" 2>&1 &
  AGENT_PID=$!; pids+=("$AGENT_PID")
  wait_http "http://127.0.0.1:$MGMT/health/ready"
  warm_until_flat "$algorithm" "http://127.0.0.1:$PORT/api" bench/many-clients.lua
  redis-cli -p $REDIS config resetstat >/dev/null
  s0=$(cpu_ticks "$AGENT_PID"); r0=$(cpu_ticks "$REDIS_PID")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/many-clients.lua "http://127.0.0.1:$PORT/api" > "$OUT/algorithm-$algorithm.txt"
  s1=$(cpu_ticks "$AGENT_PID"); r1=$(cpu_ticks "$REDIS_PID")
  # script calls (EVALSHA, and EVAL after a NOSCRIPT) during the measured run: how well requests batch
  redis-cli -p $REDIS info commandstats > "$OUT/commandstats-$algorithm.txt"
  calls=$(redis-cli -p $REDIS info commandstats | tr -d '\r' | awk -F'[=,]' '/^cmdstat_eval(sha)?:/ {n += $2} END {print n + 0}')
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/algorithm-$algorithm.txt")"
  printf '| %s | %.0f | %.2f | %s | %s | %s | %s |\n' "$algorithm" "$rps" "$p99" "$non2xx" \
    "$(us_per_req $((s1 - s0)) "$requests")" "$(us_per_req $((r1 - r0)) "$requests")" \
    "$(awk -v r="$requests" -v c="$calls" 'BEGIN {if (c > 0) printf "%.1f", r / c; else print "-"}')"
  kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
done
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after warming until flat (warm_until_flat in bench/lib.sh; curves in $OUT/warmup-*.txt), many-clients scenario; agent $JVM_OPTS; $(nproc) cores; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
