#!/usr/bin/env bash
# Streams through a token budget: req/s, the time to the first byte and to the end of an
# OpenAI-style event stream, and CPU per request, straight from a fake LLM backend, through
# vertx-http-proxy alone (the baseline peer), through the agent counting requests, and through the
# agent with a token budget too (reserve before, settle from the stream's usage chunk), on Redis.
# Each peer is warmed at the same load first, so the JIT has settled. Loopback only.
#   bench/stream.sh [seconds-per-run] [concurrency] [warm-up-seconds] [events] [event-interval-ms]
# Needs: redis-server, curl and a built agent (mvn -B -pl agent -am verify). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONCURRENCY=${2:-16}
WARMUP=${3:-40}
EVENTS=${4:-10}
INTERVAL=${5:-2}
JAR=${BENCH_JAR:-agent/target/agent.jar}
OUT=bench/out
mkdir -p "$OUT"
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }
BACKEND=18480; BARE=18481; PORT=18482; TOKENS=18483; MGMT=19490; TOKENS_MGMT=19491; REDIS=16479
JVM_OPTS="-Xms256m -Xmx256m"
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis-stream.log" 2>&1 &
pids+=($!)
java $JVM_OPTS -cp "$JAR" bench/StreamTtfb.java backend $BACKEND "$EVENTS" "$INTERVAL" > "$OUT/stream-backend.log" 2>&1 &
pids+=($!)
java $JVM_OPTS -cp "$JAR" bench/BareProxy.java $BARE $BACKEND 2 > "$OUT/stream-bare.log" 2>&1 &
BARE_PID=$!; pids+=("$BARE_PID")
# agent_with NAME PORT MGMT LIMITS: an agent on Redis in front of the backend, its pid in AGENT_PID
agent_with() {
  printf 'policy: bench/llm\ngeneration: 1\nlimits:\n%s\n' "$4" > "$OUT/policy-stream-$1.yaml"
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$2 MANAGEMENT_PORT=$3 GRPC_PORT=0 \
    POLICY_FILE="$OUT/policy-stream-$1.yaml" REDIS_URL="redis://127.0.0.1:$REDIS" \
    BACKEND_URL="http://127.0.0.1:$BACKEND" java $JVM_OPTS -jar "$JAR" > "$OUT/agent-stream-$1.log" 2>&1 &
  AGENT_PID=$!; pids+=("$AGENT_PID")
  wait_http "http://127.0.0.1:$3/health/ready"
}
REQUESTS="  - {name: per-minute, requests: 1000000000, window: 1m}"
agent_with requests $PORT $MGMT "$REQUESTS"; PLAIN_PID=$AGENT_PID
agent_with tokens $TOKENS $TOKENS_MGMT "$REQUESTS
  - {name: tokens, requests: 1000000000, window: 1h, cost: {usage: TotalTokens, reserve: 250}}"
TOKENS_PID=$AGENT_PID
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$BARE/api" && break; sleep 0.1; done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure() { java -cp "$JAR" bench/StreamTtfb.java measure "$1" "$CONCURRENCY" "$2"; }
# value KEY [NTH] of the measured line on stdin
value() { tr ' ' '\n' | sed -n "s/^$1=//p" | sed -n "${2:-1}p"; }
echo "| path | req/s | failed | first byte p50 ms | p99 ms | whole answer p50 ms | p99 ms | CPU µs/req (proxy or agent) | ratio to vertx-http-proxy |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
base=""
for run in backend:$BACKEND: bare-proxy:$BARE:$BARE_PID agent-requests:$PORT:$PLAIN_PID agent-tokens:$TOKENS:$TOKENS_PID; do
  IFS=: read -r name port pid <<< "$run"
  measure "$WARMUP" "$name=$port" > /dev/null
  [ -n "$pid" ] && s0=$(cpu_ticks "$pid")
  line=$(measure "$DURATION" "$name=$port" | tee "$OUT/stream-$name.txt")
  us="—"; ratio="—"
  if [ -n "$pid" ]; then
    us=$(us_per_req $(( $(cpu_ticks "$pid") - s0 )) "$(value requests <<< "$line")")
    [ -z "$base" ] && base=$us
    ratio=$(awk -v a="$us" -v b="$base" 'BEGIN {printf "%.2f", a / b}')
  fi
  printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$name" \
    "$(awk -v n="$(value requests <<< "$line")" -v d="$DURATION" 'BEGIN {print n / d}')" "$(value failed <<< "$line")" \
    "$(value p50 1 <<< "$line")" "$(value p99 1 <<< "$line")" "$(value p50 2 <<< "$line")" "$(value p99 2 <<< "$line")" "$us" "$ratio"
done
settled=$(curl -fs "http://127.0.0.1:$TOKENS_MGMT/metrics" | awk '/^ratelimiter_cost_total/ && /phase="settled"/ {print $2}')
echo
echo "Each peer warmed ${WARMUP}s, then ${DURATION}s measured, $CONCURRENCY streams at a time; each answer is one event at once, then $EVENTS more ${INTERVAL} ms apart, then its usage (212 tokens); agents $JVM_OPTS on one Redis (loopback); tokens the token-budget agent settled in all: $settled; $(nproc) cores; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
