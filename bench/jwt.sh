#!/usr/bin/env bash
# clientKey.source Jwt against RemoteAddress, in one run: req/s, p99 and the agent's CPU per request
# with a warm token cache (100 tokens re-sent) and a cold one (20,000 tokens cycled, more than the
# 10,000 the cache holds, so every request is a signature check), for ES256 and RS256 tokens. In-memory store, so
# only the agent is measured; every request is allowed (a quota no client reaches). Loopback only.
#   bench/jwt.sh [seconds-per-run] [connections] [warm-up-seconds]
# Needs: wrk, curl and a built agent (mvn -B -pl agent -am verify). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNECTIONS=${2:-32}
WARMUP=${3:-30}
JAR=${BENCH_JAR:-agent/target/agent.jar}
OUT=bench/out
ISSUER=https://auth.bench.example
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }
PORT=${BENCH_PORT:-18280}; MGMT=${BENCH_MGMT_PORT:-19290}
JVM_OPTS="-Xms256m -Xmx256m"
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
source bench/lib.sh

java -cp "$JAR" bench/TokenMint.java "$OUT" 20000 "$ISSUER"
LIMIT="{name: per-minute, requests: 1000000000, window: 1m}"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "| client key | tokens | alg | req/s | p99 ms | non-2xx | agent CPU µs/req | ratio to RemoteAddress |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
base=""
for run in RemoteAddress:100:ES256 Jwt:100:ES256 Jwt:20000:ES256 Jwt:100:RS256 Jwt:20000:RS256; do
  IFS=: read -r source pool alg <<< "$run"
  policy="$OUT/policy-jwt-$source.yaml"
  if [ "$source" = Jwt ]; then
    printf 'policy: bench/api\ngeneration: 1\nlimits: [%s]\nclientKey: {source: Jwt, missing: Reject, jwt: {issuer: "%s", jwks: %s}}\n' \
      "$LIMIT" "$ISSUER" "$(cat "$OUT/jwks.json")" > "$policy"
  else
    printf 'policy: bench/api\ngeneration: 1\nlimits: [%s]\n' "$LIMIT" > "$policy"
  fi
  env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE="$policy" \
    java $JVM_OPTS -jar "$JAR" > "$OUT/agent-jwt-$source-$pool-$alg.log" 2>&1 &
  AGENT_PID=$!; pids+=("$AGENT_PID")
  wait_http "http://127.0.0.1:$MGMT/health/ready"
  ALG=$alg POOL=$pool wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s bench/tokens.lua "http://127.0.0.1:$PORT/api" >/dev/null
  s0=$(cpu_ticks "$AGENT_PID")
  ALG=$alg POOL=$pool wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/tokens.lua "http://127.0.0.1:$PORT/api" > "$OUT/jwt-$source-$pool-$alg.txt"
  s1=$(cpu_ticks "$AGENT_PID")
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/jwt-$source-$pool-$alg.txt")"
  us=$(us_per_req $((s1 - s0)) "$requests")
  [ -z "$base" ] && base=$us
  printf '| %s | %s | %s | %.0f | %.2f | %s | %s | %s |\n' "$source" "$pool" "$alg" "$rps" "$p99" "$non2xx" "$us" \
    "$(awk -v a="$us" -v b="$base" 'BEGIN {printf "%.2f", a / b}')"
  kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
done
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up at the same load, in-memory store; agent $JVM_OPTS; $(nproc) cores; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
