#!/usr/bin/env bash
# ordercast side by side with the same protocol on uWebSockets.js and on Node's ws: the
# same load generator, the same scenarios, one table with absolute figures and ratios.
#   bench/compare.sh [--subscribers N] [--events K] [--window W] [--echo-connections C]
#                    [--held H] [--idle-s S] [--spread-s P] [--only ordercast,uws,ws] [--repeat R]
#                    [--idle-runs I] [--threads T] [--quiet-events Q]
# Defaults are sized for a 2-core machine (a process may hold at most 20,000 files here).
# The reference method: the server under test is pinned to core 0 (taskset) and runs one
# network thread, like the single-threaded Node peers; the load generator is pinned to
# core 1. Throughput scenarios run R times on the same server; the run with the median rate
# is reported. Server CPU per delivery is user+sys time from /proc/PID/stat, sampled by the
# load generator from the first publish to the last delivery: it is the figure that
# survives a saturated load generator (one core of it caps near 1.4-1.5 M deliveries/s).
# Memory and idle CPU are measured on fresh processes, I times with the servers alternating;
# their cells list every run and their ratio is that of the sums.
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=10000 events=200 window=16 echo_connections=1000 echo_s=4 held=15000 idle_s=70
spread_s=60 quiet_events=40 quiet_ms=250
only=ordercast,uws,ws repeat=3 threads=1 idle_runs=1
while (($#)); do
    case $1 in
        --subscribers) subscribers=$2 ;;
        --events) events=$2 ;;
        --window) window=$2 ;;
        --echo-connections) echo_connections=$2 ;;
        --held) held=$2 ;;
        --idle-s) idle_s=$2 ;;
        --spread-s) spread_s=$2 ;;
        --only) only=$2 ;;
        --repeat) repeat=$2 ;;
        --idle-runs) idle_runs=$2 ;;
        --threads) threads=$2 ;;
        --quiet-events) quiet_events=$2 ;;
        *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done

./scripts/bootstrap.sh
./scripts/build.sh >/dev/null
(cd bench/peers && { [[ -d node_modules/uwebsockets ]] || npm ci --no-audit --no-fund --loglevel=error; })
ulimit -n "$(ulimit -Hn)"

secret=bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
loadgen=build/release/loadgen
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Starts server $1 on a free port (more ordercast options after it); sets $pid and $port.
start() {
    local log=$work/$1.log name=$1
    shift
    case $name in
        ordercast) taskset -c 0 build/release/ordercast --port 0 --host 127.0.0.1 --jwt-secret "$secret" \
                       --database-url "sqlite://$work/ordercast.db" \
                       --threads "$threads" --rate-limit-per-s 1000000 --log-level info "$@" 2>"$log" & ;;
        uws) PORT=0 JWT_SECRET=$secret taskset -c 0 node bench/peers/uws-server.mjs 2>"$log" & ;;
        ws) PORT=0 JWT_SECRET=$secret taskset -c 0 node bench/peers/ws-server.mjs 2>"$log" & ;;
    esac
    pid=$!
    port=
    for _ in $(seq 200); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2) && [[ -n $port ]] && break
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.05
    done
    [[ -n $port ]] || { echo "compare.sh: $name did not start" >&2; exit 1; }
}

stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# The CPU time of every thread of process $1, in ns (the scheduler's own count, exact where
# /proc/PID/stat counts 10 ms ticks: an idle server uses only 15-25 of them in 70 s).
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
field() { grep -o "$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2; }
# Opens $held sockets on the server under test that stay open until $holder (set here) is
# killed; returns once they are all open, or after WAIT_S seconds. More loadgen options after.
hold_sockets() {
    local out=$1 wait_s=$2
    shift 2
    taskset -c 1 "$loadgen" --port "$port" --secret "$secret" --scenario hold --connections "$held" "$@" >"$out" &
    holder=$!
    for _ in $(seq $((wait_s * 20))); do grep -q '^held' "$out" && break; sleep 0.05; done
}
# The server's CPU over the next $idle_s seconds, in % of a core.
idle_cpu() {
    local t0 t1
    t0=$(cpu_ns "$pid")
    sleep "$idle_s"
    t1=$(cpu_ns "$pid")
    awk -v d=$((t1 - t0)) -v s="$idle_s" 'BEGIN { printf "%.3f", d / 1e9 / s * 100 }'
}

# Runs the load generator $repeat times with the given arguments; prints the output line
# whose $1 figure is the median.
median_run() {
    local key=$1 lines=()
    shift
    for _ in $(seq "$repeat"); do
        lines+=("$(taskset -c 1 "$loadgen" --port "$port" --secret "$secret" --server-pid "$pid" "$@")")
    done
    printf '%s\n' "${lines[@]}" | awk -v k="$key" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2), $0 }' |
        sort -n | awk -v n="$repeat" 'NR == int((n + 1) / 2) { $1 = ""; print substr($0, 2) }'
}

declare -A result sum
# note NAME KEY VALUE: one more run's VALUE in NAME's cell (runs listed, summed for the ratio).
note() {
    result[$1,$2]="${result[$1,$2]:+${result[$1,$2]} / }$3"
    sum[$1,$2]=$(awk -v a="${sum[$1,$2]:-0}" -v b="$3" 'BEGIN { print a + b }')
}
run_idle() {
    local name=$1
    # Memory and idle cost on a fresh process: hold connections, measure, release. First 500
    # connections come and go, so that code paged in by the first handshakes (HMAC, JSON:
    # ~2 MB of shared libraries for ordercast) is not counted as memory per connection.
    # Every idle socket is pinged once a minute by both (uWebSockets.js: idleTimeout 60;
    # ordercast: PING_INTERVAL_MS=60000 here, 30000 by default), and the idle window holds
    # one such round of each.
    start "$name" --ping-interval-ms 60000
    taskset -c 1 "$loadgen" --port "$port" --secret "$secret" --scenario connect --connections 500 >/dev/null
    sleep 0.5
    local before; before=$(rss_kib "$pid")
    hold_sockets "$work/hold.out" 60 --hold-s $((idle_s + 30))
    local held_now; held_now=$(field connections "$(cat "$work/hold.out")")
    local after; after=$(rss_kib "$pid")
    note "$name" idle_cpu "$(idle_cpu)"
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
    note "$name" bytes_per_conn $(((after - before) * 1024 / held_now))
    stop

    # The same, with the sockets arriving over $spread_s s as a service's do: their keepalive
    # deadlines then fall in every second of the round rather than together.
    if ((spread_s > 0)); then
        start "$name" --ping-interval-ms 60000
        hold_sockets "$work/spread.out" $((spread_s + 60)) --spread-s "$spread_s" --hold-s $((spread_s + idle_s + 30))
        note "$name" idle_spread "$(idle_cpu)"
        kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
        stop
    fi
}

run_load() {
    local name=$1 out
    start "$name"
    out=$(median_run connects_per_s --scenario connect --connections "$subscribers")
    result[$name,connects]=$(field connects_per_s "$out")
    result[$name,connect_failed]=$(field failed "$out")
    stop

    start "$name"
    out=$(median_run deliveries_per_s --scenario fanout --connections "$subscribers" \
        --events "$events" --window "$window" --timeout-s 120)
    result[$name,fanout]=$(field deliveries_per_s "$out")
    result[$name,lost]=$(field lost "$out")
    result[$name,fan_p50]=$(field p50_ms "$out")
    result[$name,fan_p99]=$(field p99_ms "$out")
    result[$name,fan_max]=$(field max_ms "$out")
    result[$name,fan_cpu]=$(field server_cpu_us_per_delivery "$out")
    result[$name,fan_user]=$(field server_user_us_per_delivery "$out")
    result[$name,fan_system]=$(field server_system_us_per_delivery "$out")
    result[$name,fan_gen]=$(field generator_cpu_us_per_delivery "$out")
    stop

    # The same events from one producer pipelining `window` requests on one keep-alive
    # connection.
    start "$name"
    out=$(median_run deliveries_per_s --scenario fanout --connections "$subscribers" \
        --events "$events" --window "$window" --producers 1 --timeout-s 120)
    result[$name,pipe]=$(field deliveries_per_s "$out")
    result[$name,pipe_lost]=$(field lost "$out")
    result[$name,pipe_cpu]=$(field server_cpu_us_per_delivery "$out")
    stop

    # A quiet stream: one event every $quiet_ms ms. Every write then carries one frame, for
    # both servers: the floor of one sendmsg per socket per event.
    start "$name"
    out=$(median_run p99_ms --scenario fanout --connections "$subscribers" \
        --events "$quiet_events" --interval-ms "$quiet_ms" --timeout-s 120)
    result[$name,quiet_p99]=$(field p99_ms "$out")
    result[$name,quiet_cpu]=$(field server_cpu_us_per_delivery "$out")
    result[$name,quiet_lost]=$(field lost "$out")
    stop

    start "$name"
    out=$(median_run round_trips_per_s --scenario echo --connections "$echo_connections" --duration-s "$echo_s")
    result[$name,echo]=$(field round_trips_per_s "$out")
    result[$name,echo_p50]=$(field p50_ms "$out")
    result[$name,echo_p99]=$(field p99_ms "$out")
    stop

    start "$name"
    out=$(median_run round_trips_per_s --scenario echo --connections "$echo_connections" \
        --duration-s "$echo_s" --parsed-ping 1)
    result[$name,echo_parsed]=$(field round_trips_per_s "$out")
    stop
    echo "compare.sh: $name done" >&2
}

IFS=, read -ra servers <<<"$only"
for _ in $(seq "$idle_runs"); do
    for s in "${servers[@]}"; do run_idle "$s"; done
done
for s in "${servers[@]}"; do run_load "$s"; done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
label() { case $1 in ordercast) echo ordercast ;; uws) echo uWebSockets.js ;; ws) echo "Node ws" ;; esac; }

rows=(
    "fanout|fan-out deliveries/s ($subscribers subscribers, $events events, $window producers)"
    "fan_cpu|server CPU per delivery, $window producers (µs)"
    "fan_user|of it in user space (µs)"
    "fan_system|of it in the kernel (µs)"
    "fan_gen|the load generator's own CPU per delivery (µs; one core of it reads 1 / this)"
    "lost|fan-out deliveries lost"
    "pipe|fan-out deliveries/s, one producer pipelining $window"
    "pipe_cpu|server CPU per delivery, one producer pipelining $window (µs)"
    "pipe_lost|fan-out deliveries lost, pipelined"
    "fan_p50|fan-out latency p50 (ms)"
    "fan_p99|fan-out latency p99 (ms)"
    "fan_max|fan-out latency max (ms)"
    "quiet_p99|quiet stream latency p99 (ms; $subscribers subscribers, 1 event / $quiet_ms ms, $quiet_events events)"
    "quiet_cpu|server CPU per delivery, quiet stream (µs)"
    "quiet_lost|quiet stream deliveries lost"
    "echo|echo round trips/s ($echo_connections connections; {\"type\":\"ping\"}, ordercast's byte-exact fast path)"
    "echo_parsed|echo round trips/s, {\"type\": \"ping\"} (parsed)"
    "echo_p50|echo latency p50 (ms)"
    "echo_p99|echo latency p99 (ms)"
    "connects|connects/s (handshake + connected)"
    "connect_failed|connects that failed or never completed"
    "bytes_per_conn|server memory per held connection (bytes, RSS growth over $held)"
    "idle_cpu|server CPU idle with $held held, keepalive on (% of a core)"
    "idle_spread|the same, the $held connected over $spread_s s (% of a core)"
)
header="| scenario |"
sep="|---|"
for s in "${servers[@]}"; do header+=" $(label "$s") |"; sep+="---:|"; done
for s in "${servers[@]:1}"; do header+=" ${servers[0]} / $(label "$s") |"; sep+="---:|"; done
echo
echo "$header"
echo "$sep"
for row in "${rows[@]}"; do
    key=${row%%|*}
    line="| ${row#*|} |"
    for s in "${servers[@]}"; do line+=" ${result[$s,$key]:--} |"; done
    for s in "${servers[@]:1}"; do
        line+=" $(ratio "${sum[${servers[0]},$key]:-${result[${servers[0]},$key]:-0}}" "${sum[$s,$key]:-${result[$s,$key]:-0}}") |"
    done
    echo "$line"
done
echo
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); servers pinned to core 0, load generator to core 1;"
echo "ordercast threads: $threads; median of $repeat runs; memory and idle: $idle_runs run(s) each, alternating,"
echo "memory after a warm-up of 500 connections;"
echo "idle CPU over ${idle_s} s, each server pinging every idle socket once a minute"
