#!/usr/bin/env bash
# The agent as a reverse proxy against nginx proxy_pass + limit_req, in one run, on loopback only,
# both in front of the same backend (a second nginx answering /api with a small JSON body).
#   bench/proxy.sh [seconds-per-run] [connections]
# Needs: wrk, nginx and redis-server (Debian: apt-get install -y wrk nginx-light redis-server) and a
# built agent (mvn -B -pl agent -am package). Prints a Markdown table per scenario: req/s, p99, non-2xx,
# requests that reached the backend, and CPU µs per request of the limiter, the backend and Redis.
# A last row, "bare", is vertx-http-proxy alone without any limiting: the ceiling for the agent.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${1:-15}
CONNECTIONS=${2:-64}
JAR=${BENCH_JAR:-agent/target/agent.jar}  # BENCH_JAR: another build
OUT=bench/out/proxy
mkdir -p "$OUT"
for tool in wrk nginx redis-server; do
  command -v $tool >/dev/null || { echo "$tool is not installed (apt-get install -y wrk nginx-light redis-server)"; exit 1; }
done
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am package"; exit 1; }

AGENT=18080; MGMT=19090; NGINX=18088; BACKEND=18090; REDIS=16379
JVM_OPTS="-Xms256m -Xmx256m"
pids=()
# stop everything started here, and wait for it, so a next run finds its ports free
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; for p in "${pids[@]:-}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# nginx_conf DIR SERVER-BLOCK [HTTP-LINES]: a self-contained nginx prefix, no logs, two workers
nginx_conf() {
  mkdir -p "$1"
  cat > "$1/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $PWD/$1/nginx.pid;
error_log $PWD/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $PWD/$1/tmp;
  proxy_temp_path $PWD/$1/tmp;
  ${3:-}
  server { $2 }
}
CONF
}
nginx_conf "$OUT/backend" "listen 127.0.0.1:$BACKEND;
    location /api { default_type application/json; return 200 '{\"status\":\"ok\"}'; }
    location = /status { stub_status; }"
# nginx's own limiter: the client from X-Forwarded-For set by a trusted 127.0.0.1 (as the agent's
# policy does), 10 per minute with the 10 admitted at once (burst 9, nodelay), 429 on refusal;
# a 128 MiB zone holds about two million clients.
nginx_conf "$OUT/limiter" "listen 127.0.0.1:$NGINX;
    set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For;
    location /api {
      limit_req zone=api burst=9 nodelay; limit_req_status 429;
      proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\";
    }" "limit_req_zone \$binary_remote_addr zone=api:128m rate=10r/m;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 256; }"

backend_requests() { curl -fs "http://127.0.0.1:$BACKEND/status" | awk 'NR==3 {print $3}'; }

nginx -p "$OUT/backend" -c nginx.conf & BACKEND_PID=$!; pids+=("$BACKEND_PID")
redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
wait_http "http://127.0.0.1:$BACKEND/api"

# one_run NAME URL LUA LIMITER-PIDS...: prints "rps p99 non2xx backend-requests limiter-us backend-us redis-us"
one_run() {
  local name=$1 url=$2 lua=$3; shift 3
  redis-cli -p $REDIS flushall >/dev/null
  warm_until_flat "$name" "$url" "bench/$lua"
  local l0 b0 r0 n0 l1 b1 r1 n1 rps p99 requests non2xx backend_pids
  backend_pids=$(nginx_pids $BACKEND_PID)
  l0=$(cpu_ticks "$@"); b0=$(cpu_ticks $backend_pids); r0=$(cpu_ticks $REDIS_PID); n0=$(backend_requests)
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "bench/$lua" "$url" > "$OUT/$name.txt"
  l1=$(cpu_ticks "$@"); b1=$(cpu_ticks $backend_pids); r1=$(cpu_ticks $REDIS_PID); n1=$(backend_requests)
  read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/$name.txt")"
  echo "$rps $p99 $non2xx $((n1 - n0 - 1)) $(us_per_req $((l1 - l0)) "$requests") $(us_per_req $((b1 - b0)) "$requests") $(us_per_req $((r1 - r0)) "$requests")"
}

declare -A R
nginx -p "$OUT/limiter" -c nginx.conf & NGINX_PID=$!; pids+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX/api"
for scenario in many-clients abuser; do
  R[nginx,$scenario]=$(one_run "nginx-$scenario" "http://127.0.0.1:$NGINX/api" "$scenario.lua" $(nginx_pids $NGINX_PID))
done
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true

env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$AGENT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE=bench/policy.yaml REDIS_URL=redis://127.0.0.1:$REDIS \
  BACKEND_URL=http://127.0.0.1:$BACKEND java $JVM_OPTS -jar "$JAR" > "$OUT/agent.log" 2>&1 &
AGENT_PID=$!; pids+=("$AGENT_PID")
wait_http "http://127.0.0.1:$MGMT/health/ready"
for scenario in many-clients abuser; do
  R[agent,$scenario]=$(one_run "agent-$scenario" "http://127.0.0.1:$AGENT/api" "$scenario.lua" $AGENT_PID)
done

kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true

# The ceiling: vertx-http-proxy alone (no limiting, no header rewriting, no metrics) on as many
# event loops as the agent, in front of the same backend; many-clients only (nothing to refuse).
LOOPS=$(nproc)  # as many as the agent runs public-port verticles: one per core
java $JVM_OPTS -cp "$JAR" bench/BareProxy.java $AGENT $BACKEND $LOOPS > "$OUT/bare.log" 2>&1 &
BARE_PID=$!; pids+=("$BARE_PID")
wait_http "http://127.0.0.1:$AGENT/api"
R[bare,many-clients]=$(one_run "bare-many-clients" "http://127.0.0.1:$AGENT/api" "many-clients.lua" $BARE_PID)

echo "| scenario | limiter | req/s | p99 ms | non-2xx | reached backend | req/s vs nginx | p99 vs nginx | limiter CPU µs/req | backend CPU µs/req | redis CPU µs/req |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for scenario in many-clients abuser; do
  read -r nrps np99 _ <<< "${R[nginx,$scenario]}"
  for limiter in nginx agent bare; do
    [ -n "${R[$limiter,$scenario]:-}" ] || continue
    read -r rps p99 non2xx reached lcpu bcpu rcpu <<< "${R[$limiter,$scenario]}"
    awk -v s="$scenario" -v n="$limiter" -v a="$rps" -v b="$p99" -v d="$non2xx" -v e="$reached" -v na="$nrps" -v nb="$np99" -v l="$lcpu" -v bc="$bcpu" -v r="$rcpu" \
      'BEGIN { printf "| %s | %s | %.0f | %.2f | %s | %s | %.2fx | %.2fx | %s | %s | %s |\n", s, n, a, b, d, e, a/na, b/nb, l, bc, r }'
  done
done
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after warming until flat (warm_until_flat in bench/lib.sh; curves in $OUT/warmup-*.txt); agent JVM $JVM_OPTS, Redis store; bare = vertx-http-proxy alone (bench/BareProxy.java, $LOOPS event loops, same JVM options); nginx 2 workers; $(nproc) cores; raw output in $OUT/"
