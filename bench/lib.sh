# Helpers shared by the benchmark scripts (sourced, not run).
wait_http() { for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1"; exit 1; }
# user+system CPU ticks of the given processes together
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
rss_mb() { local kb; kb=$(ps -o rss= -p "$1" || true); echo $(( ${kb:-0} / 1024 )); }
# the pids of an nginx master and its workers
nginx_pids() { echo "$1 $(pgrep -P "$1" | tr '\n' ' ')"; }
# fields of a wrk --latency report: "rps p99_ms requests non2xx"
wrk_figures() {
  local rps p99 requests non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$1")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$1")
  requests=$(awk '/requests in/ {print $1}' "$1")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$1")
  echo "$rps $p99 $requests ${non2xx:-0}"
}
# microseconds of CPU per request: ticks requests
us_per_req() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}'; }
# warm_until_flat NAME URL LUA [EXTRA-WRK-ARGS...]: load in 5 s windows (wrk -t1 -c$CONNECTIONS) until
# the JIT has settled: at least 4 windows, then until the last two are within 3% of each other,
# at most $WARM_MAX_SECONDS (default 120). The curve (req/s per window) goes to $OUT/warmup-NAME.txt
# and is printed to stderr, so a table's footer can show it.
warm_until_flat() {
  local name=$1 url=$2 lua=$3; shift 3
  local max=${WARM_MAX_SECONDS:-120} elapsed=0 prev=0 rps curve=""
  while [ "$elapsed" -lt "$max" ]; do
    rps=$(wrk -t1 -c"$CONNECTIONS" -d5s -s "$lua" "$@" "$url" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    elapsed=$((elapsed + 5)); curve="$curve ${elapsed}s:${rps:-0}"
    if [ "$elapsed" -ge 20 ] && [ "$prev" -gt 0 ] && \
       awk -v a="${rps:-0}" -v b="$prev" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.03 * b) }'; then
      break
    fi
    prev=${rps:-0}
  done
  echo "$name warm-up (req/s per 5 s window):$curve" | tee "$OUT/warmup-$name.txt" >&2
}
