#!/usr/bin/env bash
# Each algorithm in the many-clients scenario, through the agent in Cluster mode (REDIS_MODE=Cluster)
# against a Redis Cluster of 1, 2 and 3 master shards without replicas, all on loopback: req/s, p99,
# agent CPU per request, redis CPU per decision summed over every shard process, and how the
# decisions spread over the shards (script calls and keys per shard). Prints a Markdown table.
#   bench/shards.sh [seconds-per-run] [connections]
# Needs: wrk, redis-server/redis-cli >= 7.0 (CLUSTER ADDSLOTSRANGE), curl and a built agent
# (mvn -B -pl agent -am verify). Env: BENCH_JAR (another build), BENCH_SHARDS (default "0 1 2 3"; 0 is
# the baseline of the same run: one standalone redis-server, REDIS_MODE=Standalone), BENCH_ALGORITHMS
# (default "FixedWindow SlidingWindow TokenBucket"),
# BENCH_PORT / BENCH_MGMT_PORT (agent, default 18280 / 19290), BENCH_REDIS_BASE_PORT (default 17101:
# shard i listens on base+i and its cluster bus on base+i+10000).
#
# What a small box can and cannot show. On a 2-core machine the agent, wrk and every redis-server
# share the same two cores, so total req/s does NOT grow with shards (it usually drops a little:
# more processes, more connections, fewer checks per script call); p99 and agent CPU per request
# are likewise a property of that contention, not of the cluster. Shard scaling of throughput needs
# each shard on cores (or hosts) of its own. What does carry over to a bigger deployment:
#   - redis CPU per decision summed over the shards: the work a decision costs the cluster as a
#     whole. Ideally flat from 1 to 3 shards; it does rise somewhat, partly for a real reason (each
#     shard's connections carry 1/N of the traffic, so fewer commands per read/write syscall — the
#     same at equal load on real hardware) and partly from this box (more processes than cores:
#     context switches, cold caches), so read a rise here as an upper bound;
#   - the per-shard split of script calls, keys and redis CPU: how evenly clients hash over the
#     slots, i.e. whether adding a shard really takes its share of the load;
#   - from those, capacity: µs of redis CPU per decision × 0.1 = redis cores per 100k decisions/s
#     in total; with an even split each shard carries 1/N of it, and since a redis-server runs its
#     commands on one core the cluster saturates near N × 1e6 / (µs per decision) decisions/s.
# "checks per script call": in Cluster mode the agent sends each master one call for the checks an
# event loop gathered on its slots (the script's allow-cross-slot-keys form), so a call carries about
# 1/N of what one call to a standalone Redis carries (the Standalone row of the same run).
# Agent CPU per request carries over too (the agent's own cost), but on this box it includes the
# time it loses to the redis-servers and wrk on the same cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15}
CONNECTIONS=${2:-64}
JAR=${BENCH_JAR:-agent/target/agent.jar}
SHARD_COUNTS=${BENCH_SHARDS:-"0 1 2 3"}
ALGORITHMS=${BENCH_ALGORITHMS:-"FixedWindow SlidingWindow TokenBucket"}
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)"; exit 1; }
[ -f "$JAR" ] || { echo "build first: mvn -B -pl agent -am verify"; exit 1; }

# other ports than run.sh (18080/19090/16379) and algorithms.sh (18180/19190/16479)
PORT=${BENCH_PORT:-18280}; MGMT=${BENCH_MGMT_PORT:-19290}; REDIS_BASE=${BENCH_REDIS_BASE_PORT:-17101}
MAX_SHARDS=$(tr ' ' '\n' <<< "$SHARD_COUNTS 1" | sort -n | tail -1)
# the cluster bus listens on port + 10000, which must be a port too
[ $((REDIS_BASE + MAX_SHARDS - 1)) -lt 55536 ] || { echo "BENCH_REDIS_BASE_PORT too high: bus port = port + 10000 must stay below 65536"; exit 1; }
JVM_OPTS="-Xms256m -Xmx256m"
TMP=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
source bench/lib.sh

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
stop() { # stop the given processes and forget them
  local p q keep
  for p in "$@"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  keep=()
  for q in "${pids[@]:-}"; do [[ " $* " == *" $q "* ]] || keep+=("$q"); done
  pids=("${keep[@]:-}")
}
for p in $PORT $MGMT $(seq $REDIS_BASE $((REDIS_BASE + MAX_SHARDS - 1))) $(seq $((REDIS_BASE + 10000)) $((REDIS_BASE + MAX_SHARDS + 9999))); do
  if listening "$p"; then echo "port $p is in use; pick others (BENCH_PORT, BENCH_MGMT_PORT, BENCH_REDIS_BASE_PORT)"; exit 1; fi
done

# start_cluster N: N masters on REDIS_BASE.., all 16384 slots split evenly (the split redis-cli
# makes), no replicas; sets NODES (ports) and NODE_PIDS. Slots are assigned by hand rather than with
# `redis-cli --cluster create`, which refuses fewer than 3 masters; the same way for every N.
# N = 0: one standalone redis-server instead, the baseline.
start_cluster() {
  local n=$1 i p dir="$TMP/cluster-$1"
  mkdir -p "$dir"
  NODES=(); NODE_PIDS=()
  if [ "$n" -eq 0 ]; then
    p=$REDIS_BASE
    redis-server --port "$p" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no --daemonize no \
      --loglevel warning > "$OUT/shards-0-redis-$p.log" 2>&1 &
    NODE_PIDS+=("$!"); pids+=("$!"); NODES+=("$p")
    for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "redis-server on $p did not start: $(cat "$OUT/shards-0-redis-$p.log")"; exit 1
  fi
  for ((i = 0; i < n; i++)); do
    p=$((REDIS_BASE + i))
    redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes-$p.conf" \
      --dir "$dir" --save "" --appendonly no --daemonize no --loglevel warning > "$OUT/shards-$n-redis-$p.log" 2>&1 &
    NODE_PIDS+=("$!"); pids+=("$!"); NODES+=("$p")
  done
  for p in "${NODES[@]}"; do
    for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli -p "$p" ping >/dev/null 2>&1 || { echo "redis-server on $p did not start: $(cat "$OUT/shards-$n-redis-$p.log")"; exit 1; }
  done
  for ((i = 0; i < n; i++)); do
    p=${NODES[$i]}
    redis-cli -p "$p" cluster addslotsrange $((i * 16384 / n)) $(((i + 1) * 16384 / n - 1)) | grep -q OK
    redis-cli -p "$p" cluster set-config-epoch $((i + 1)) | grep -q OK
    if [ "$i" -gt 0 ]; then redis-cli -p "${NODES[0]}" cluster meet 127.0.0.1 "$p" | grep -q OK; fi
  done
  # every node must know all N and see every slot served before the agent reads the slot map
  local ok
  for _ in $(seq 1 200); do
    ok=0
    for p in "${NODES[@]}"; do
      redis-cli -p "$p" cluster info | tr -d '\r' |
        awk -v n="$n" -F: '{v[$1] = $2} END {exit !(v["cluster_state"] == "ok" && v["cluster_slots_ok"] == 16384 && v["cluster_known_nodes"] == n)}' &&
        ok=$((ok + 1))
    done
    [ "$ok" -eq "$n" ] && return 0
    sleep 0.1
  done
  echo "the $n-shard cluster did not reach cluster_state:ok:"
  for p in "${NODES[@]}"; do echo "== $p"; redis-cli -p "$p" cluster info | head -7; done
  exit 1
}
on_nodes() { local p; for p in "${NODES[@]}"; do redis-cli -p "$p" "$@" >/dev/null; done; }
# script calls (EVALSHA, and EVAL after a NOSCRIPT) a node ran since its last CONFIG RESETSTAT
script_calls() { redis-cli -p "$1" info commandstats | tr -d '\r' | awk -F'[=,]' '/^cmdstat_eval(sha)?:/ {n += $2} END {print n + 0}'; }
# "a/b/c" as percentages of their sum
shares() { awk 'BEGIN {for (i = 1; i < ARGC; i++) t += ARGV[i]; for (i = 1; i < ARGC; i++) printf "%s%.1f", (i > 1 ? "/" : ""), (t > 0 ? 100 * ARGV[i] / t : 0); ARGC = 1}' "$@"; }
# /health/ready answers 200 with failurePolicy Open even while Redis is away: wait for the store too
wait_store() {
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$MGMT/health/ready" | grep -q '"storeReachable":true' && return 0
    sleep 0.1
  done
  echo "the agent does not reach the cluster: $(curl -s "http://127.0.0.1:$MGMT/health/ready")"; exit 1
}
# decisions the agent let through because Redis did not answer (failurePolicy: Open hides them as 2xx)
failed_open() { curl -fs "http://127.0.0.1:$MGMT/metrics" | awk '/^ratelimiter_requests_total\{/ && /outcome="failed_open"/ {n += $NF} END {printf "%d", n}'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# The benchmark policy (bench/policy.yaml) with its one limit under each algorithm: 10 per minute,
# a TokenBucket of burst 10 refilling 10 per minute (as in bench/algorithms.sh).
declare -A LIMIT=(
  [FixedWindow]="{name: per-minute, requests: 10, window: 1m, algorithm: FixedWindow}"
  [SlidingWindow]="{name: per-minute, requests: 10, window: 1m, algorithm: SlidingWindow}"
  [TokenBucket]="{name: per-minute, requests: 10, window: 1m, algorithm: TokenBucket, burst: 10}"
)
echo "| shards | algorithm | req/s | p99 ms | non-2xx | failed open | agent CPU µs/req | redis CPU µs/decision (all shards) | redis cores per 100k decisions/s | checks per script call | script calls per shard % | keys per shard % | redis CPU per shard % |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"
for shards in $SHARD_COUNTS; do
  start_cluster "$shards"
  SEEDS=$(printf 'redis://127.0.0.1:%s,' "${NODES[@]}"); SEEDS=${SEEDS%,}
  MODE=Cluster; LABEL=$shards
  if [ "$shards" -eq 0 ]; then MODE=Standalone; LABEL="Standalone"; fi
  for algorithm in $ALGORITHMS; do
    name="shards-$shards-$algorithm"
    policy="$OUT/policy-$algorithm.yaml"
    printf 'policy: bench/api\ngeneration: 1\nlimits: [%s]\nclientKey: {trustedProxies: [127.0.0.1/32]}\nfailurePolicy: Open\n' \
      "${LIMIT[$algorithm]}" > "$policy"
    on_nodes flushall
    env BIND_ADDRESS=127.0.0.1 HTTP_PORT=$PORT MANAGEMENT_PORT=$MGMT GRPC_PORT=0 POLICY_FILE="$policy" \
      REDIS_MODE=$MODE REDIS_URL="$SEEDS" java $JVM_OPTS -jar "$JAR" > "$OUT/agent-$name.log" 2>&1 &
    AGENT_PID=$!; pids+=("$AGENT_PID")
    wait_http "http://127.0.0.1:$MGMT/health/ready"
    wait_store
    warm_until_flat "$name" "http://127.0.0.1:$PORT/api" bench/many-clients.lua
    on_nodes config resetstat
    f0=$(failed_open)
    s0=$(cpu_ticks "$AGENT_PID"); r0=$(cpu_ticks "${NODE_PIDS[@]}")
    n0=(); for p in "${NODE_PIDS[@]}"; do n0+=("$(cpu_ticks "$p")"); done
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/many-clients.lua "http://127.0.0.1:$PORT/api" > "$OUT/$name.txt"
    s1=$(cpu_ticks "$AGENT_PID"); r1=$(cpu_ticks "${NODE_PIDS[@]}")
    n1=(); for p in "${NODE_PIDS[@]}"; do n1+=("$(cpu_ticks "$p")"); done
    f1=$(failed_open)
    calls=(); keys=(); ticks=()
    : > "$OUT/commandstats-$name.txt"
    for ((i = 0; i < ${#NODES[@]}; i++)); do
      p=${NODES[$i]}
      { echo "# node 127.0.0.1:$p"; redis-cli -p "$p" info commandstats; redis-cli -p "$p" info keyspace; } >> "$OUT/commandstats-$name.txt"
      calls+=("$(script_calls "$p")")
      keys+=("$(redis-cli -p "$p" dbsize)")
      ticks+=($((n1[i] - n0[i])))
    done
    total_calls=$(( $(IFS=+; echo "${calls[*]}") ))
    read -r rps p99 requests non2xx <<< "$(wrk_figures "$OUT/$name.txt")"
    redis_us=$(us_per_req $((r1 - r0)) "$requests")
    printf '| %s | %s | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$LABEL" "$algorithm" "$rps" "$p99" "$non2xx" \
      $((f1 - f0)) "$(us_per_req $((s1 - s0)) "$requests")" "$redis_us" "$(awk -v u="$redis_us" 'BEGIN {printf "%.2f", u * 0.1}')" \
      "$(awk -v r="$requests" -v c="$total_calls" 'BEGIN {if (c > 0) printf "%.2f", r / c; else print "-"}')" \
      "$(shares "${calls[@]}")" "$(shares "${keys[@]}")" "$(shares "${ticks[@]}")"
    stop "$AGENT_PID"
  done
  stop "${NODE_PIDS[@]}"
done
echo
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s after warming until flat (warm_until_flat in bench/lib.sh; curves in $OUT/warmup-*.txt), many-clients scenario; agent $JVM_OPTS, REDIS_MODE=Cluster (Standalone: one redis-server, REDIS_MODE=Standalone);" \
  "Redis Cluster of N masters, no replicas, slots split evenly; redis CPU = all shard processes together (µs × 0.1 = cores per 100k decisions/s);" \
  "keys per shard include the warm-up's; $(nproc) cores; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
