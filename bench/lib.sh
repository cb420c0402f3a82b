# Shell functions the benchmark scripts share (sourced).

# field KEY LINE: the value of KEY=... in one of the load generator's lines.
field() { grep -o "$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2; }

# median_line KEY N: of the N load generator lines on stdin, the one with the median KEY.
median_line() {
    awk -v k="$1" 'NF { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2), $0 }' |
        sort -n | awk -v n="$2" 'NR == int((n + 1) / 2) { $1 = ""; print substr($0, 2) }'
}

# ratio A B: A / B with three decimals, or - when B is zero.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 != 0) printf "%.3f", a / b; else printf "-" }'; }

# wait_port PID LOG: the port server PID logged as `listening on 127.0.0.1:PORT` in LOG.
wait_port() {
    local port=
    for _ in $(seq 200); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$2" | head -1 | cut -d: -f2) && [[ -n $port ]] && break
        kill -0 "$1" 2>/dev/null || break
        sleep 0.05
    done
    [[ -n $port ]] || { cat "$2" >&2; return 1; }
    echo "$port"
}

# fanout_once BIN DATABASE_URL TIMEOUT_S: starts BIN pinned to core 0 with one network thread
# on DATABASE_URL, runs the fan-out scenario once from core 1 ($subscribers, $events, $window,
# $secret, $work set by the caller) and prints the load generator's line.
fanout_once() {
    taskset -c 0 "$1" --port 0 --host 127.0.0.1 --jwt-secret "$secret" --database-url "$2" \
        --threads 1 --rate-limit-per-s 1000000 --log-level info 2>"$work/server.log" &
    local pid=$! port
    port=$(wait_port "$pid" "$work/server.log")
    taskset -c 1 build/release/loadgen --port "$port" --secret "$secret" --server-pid "$pid" --scenario fanout \
        --connections "$subscribers" --events "$events" --window "$window" --timeout-s "$3"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}
