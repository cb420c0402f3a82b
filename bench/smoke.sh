#!/usr/bin/env bash
# The benchmark's scenarios at a small size against a real ordercast, as a test: every
# delivery must arrive and no socket may be dropped under load, also while publishers are
# held back by the backlog budget.
#   bench/smoke.sh ORDERCAST_BIN LOADGEN_BIN
set -euo pipefail
server=$1 loadgen=$2
secret=smoke-secret-0123456789abcdef0123456789
work=$(mktemp -d)
log=$work/log servers=0
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# Starts ordercast with extra options; sets $pid and $port.
start() {
    "$server" --port 0 --host 127.0.0.1 --jwt-secret "$secret" --rate-limit-per-s 1000000 \
        --database-url "sqlite://$work/ordercast-$((++servers)).db" "$@" 2>"$log" &
    pid=$!
    port=
    for _ in $(seq 200); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2) && [[ -n $port ]] && break
        sleep 0.05
    done
    [[ -n $port ]] || { cat "$log"; exit 1; }
}
start
# Runs a scenario; fails unless it succeeds and prints `expect`.
run() {
    local expect=$1 out
    shift
    out=$("$loadgen" --port "$port" --secret "$secret" --sources 4 "$@")
    echo "$out"
    [[ $out == *"$expect"* ]]
}
run ' failed=0' --scenario connect --connections 2000
run ' lost=0 ' --scenario fanout --connections 2000 --events 50 --window 8
run ' lost=0 ' --scenario fanout --connections 2000 --events 50 --window 8 --producers 1
run ' lost=0 ' --scenario fanout --connections 300 --events 300 --window 64
run ' lost=0 ' --scenario fanout --connections 1000 --events 10 --interval-ms 50
run ' closed=0' --scenario echo --connections 200 --duration-s 1
run ' closed_by_server=0' --scenario hold --connections 600 --spread-s 1 --hold-s 1
kill -TERM "$pid"
wait "$pid"

# Publishers faster than one shard writes 4,000 sockets: answers are held while more than
# 24 MiB wait to be written (shard::after_flush), and every delivery still arrives.
start --threads 1
run ' lost=0 ' --scenario fanout --connections 4000 --events 400 --window 32
run ' lost=0 ' --scenario fanout --connections 4000 --events 400 --window 32 --producers 1
held=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '$1 == "ordercast_publishes_held_total" { print $2 }')
echo "publishes held: $held"
((held > 0)) || { echo "smoke: the backlog never reached its budget: backpressure untested" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid"
