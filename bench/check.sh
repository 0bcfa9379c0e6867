#!/usr/bin/env bash
# Decisions per second of one agent (Redis store) through its three entries, on loopback only:
# /api and /check with wrk (many-clients: a random client per request), and Envoy's rate limit
# service (gRPC ShouldRateLimit) with h2load, which sends one fixed request (one client), so the
# policy's quota is set high enough that every call is counted by Redis and allowed.
#   bench/check.sh [seconds-per-run] [connections-or-streams-in-flight]
# Needs: wrk, h2load and redis-server (Debian: apt-get install -y wrk nghttp2-client redis-server),
# a built agent (mvn -B -pl agent -am package). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
WARMUP=5
JAR=agent/target/agent.jar
OUT=bench/out
mkdir -p "$OUT"
for tool in wrk h2load redis-server java; do
  command -v $tool >/dev/null || { echo "$tool is not installed (apt-get install -y wrk nghttp2-client redis-server)"; exit 1; }
done
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am package"; exit 1; }

PORT=18080; MGMT=19090; GRPC=18082; REDIS=16379
JVM_OPTS="-Xms256m -Xmx256m"
pids=()
# stop everything started here, and wait for it, so a next run finds its ports free
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

cat > "$OUT/check-policy.yaml" <<POLICY
policy: bench/api
generation: 1
limits:
  - {name: per-minute, requests: 1000000000, window: 1m}
clientKey:
  trustedProxies: [127.0.0.1/32]
POLICY
# ShouldRateLimit{domain: bench/api, descriptors: [{remote_address: 100.1.2.3, method: GET, path: /api}]}
# as a gRPC frame (1 byte flag, 4 bytes length, the protobuf message), as RlsClient in the agent's tests encodes it
printf '\x00\x00\x00\x00\x47\x0a\x09\x62\x65\x6e\x63\x68\x2f\x61\x70\x69\x12\x3a\x0a\x1b\x0a\x0e\x72\x65\x6d\x6f\x74\x65\x5f\x61\x64\x64\x72\x65\x73\x73\x12\x09\x31\x30\x30\x2e\x31\x2e\x32\x2e\x33\x0a\x0d\x0a\x06\x6d\x65\x74\x68\x6f\x64\x12\x03\x47\x45\x54\x0a\x0c\x0a\x04\x70\x61\x74\x68\x12\x04\x2f\x61\x70\x69' > "$OUT/grpc-body.bin"

redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=$GRPC POLICY_FILE="$OUT/check-policy.yaml" \
  REDIS_URL=redis://127.0.0.1:$REDIS java $JVM_OPTS -jar "$JAR" > "$OUT/agent.log" 2>&1 &
AGENT_PID=$!; pids+=("$AGENT_PID")
wait_http "http://127.0.0.1:$MGMT/health/ready"

wrk_run() { # name lua-script -> "rps p99 non2xx server_cpu_us_per_req redis_cpu_us_per_req"
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "bench/$2" "http://127.0.0.1:$PORT/" >/dev/null
  local s0 s1 r0 r1 rps p99 requests non2xx
  s0=$(cpu_ticks "$AGENT_PID"); r0=$(cpu_ticks "$REDIS_PID")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "bench/$2" "http://127.0.0.1:$PORT/" > "$OUT/check-$1.txt"
  s1=$(cpu_ticks "$AGENT_PID"); r1=$(cpu_ticks "$REDIS_PID")
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/check-$1.txt")"
  echo "$rps $p99 $non2xx $(us_per_req $((s1 - s0)) "$requests") $(us_per_req $((r1 - r0)) "$requests")"
}
grpc_run() { # "calls/s p99-unknown errors server_cpu_us_per_call redis_cpu_us_per_call"
  local url="http://127.0.0.1:$GRPC/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit"
  local h2=(-c 4 -m $((CONNECTIONS / 4)) -d "$OUT/grpc-body.bin" -H 'content-type: application/grpc' -H 'te: trailers')
  h2load -D "$WARMUP" "${h2[@]}" "$url" > /dev/null
  local s0 s1 r0 r1 rps done_ failed
  s0=$(cpu_ticks "$AGENT_PID"); r0=$(cpu_ticks "$REDIS_PID")
  h2load -D "$DURATION" "${h2[@]}" "$url" > "$OUT/check-grpc.txt"
  s1=$(cpu_ticks "$AGENT_PID"); r1=$(cpu_ticks "$REDIS_PID")
  rps=$(awk '/finished in/ {print $4}' "$OUT/check-grpc.txt")
  done_=$(awk '/^requests:/ {print $8}' "$OUT/check-grpc.txt")
  failed=$(awk '/^status codes:/ {print $5 + $7 + $9}' "$OUT/check-grpc.txt")
  echo "$rps - $failed $(us_per_req $((s1 - s0)) "$done_") $(us_per_req $((r1 - r0)) "$done_")"
}

read -r a_rps a_p99 a_non a_cpu a_redis <<< "$(wrk_run api many-clients.lua)"
read -r c_rps c_p99 c_non c_cpu c_redis <<< "$(wrk_run check check-many-clients.lua)"
read -r g_rps g_p99 g_non g_cpu g_redis <<< "$(grpc_run)"
GRPC_OK=$(curl -s "http://127.0.0.1:$MGMT/metrics" | awk -F' ' '/^ratelimiter_requests_total\{outcome="allowed",source="grpc"\}/ {printf "%d", $2}')

echo "| entry | decisions/s | p99 ms | refused or failed | agent CPU µs/decision | redis CPU µs/decision |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| /api (wrk) | $a_rps | $a_p99 | $a_non | $a_cpu | $a_redis |"
echo "| /check (wrk) | $c_rps | $c_p99 | $c_non | $c_cpu | $c_redis |"
echo "| gRPC ShouldRateLimit (h2load) | $g_rps | $g_p99 | $g_non | $g_cpu | $g_redis |"
echo
echo "one agent, Redis store; wrk -t1 -c$CONNECTIONS (many clients) / h2load -c4 -m$((CONNECTIONS / 4)) (one client, every call allowed and counted:"
echo "$GRPC_OK gRPC decisions counted allowed by the agent in all); ${DURATION}s measured after ${WARMUP}s warm-up; JVM $JVM_OPTS; $(nproc) cores; raw output in $OUT/"
