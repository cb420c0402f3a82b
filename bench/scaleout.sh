#!/usr/bin/env bash
# Fan-out across two ordercast instances sharing a real Redis, beside one instance alone:
# the same load generator and scenario, subscribers split between the instances, events
# published on the first.
#   bench/scaleout.sh [--subscribers N] [--events K] [--window W] [--repeat R]
set -euo pipefail
cd "$(dirname "$0")/.."

subscribers=10000 events=200 window=16 repeat=3
while (($#)); do
    case $1 in
        --subscribers) subscribers=$2 ;;
        --events) events=$2 ;;
        --window) window=$2 ;;
        --repeat) repeat=$2 ;;
        *) echo "scaleout.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done

./scripts/bootstrap.sh
./scripts/build.sh >/dev/null
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
secret=bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

redis_port=$(shuf -i 20000-60000 -n 1)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
for _ in $(seq 100); do grep -q 'Ready to accept' "$work/redis.log" && break; sleep 0.05; done

# Starts an instance; prints its port.
instance() {
    local log=$work/$1.log
    build/release/ordercast --port 0 --host 127.0.0.1 --jwt-secret "$secret" --threads 1 \
        --rate-limit-per-s 1000000 --database-url "sqlite://$work/$1.db" ${2:+--redis-url "$2"} >/dev/null 2>"$log" &
    for _ in $(seq 200); do
        grep -q 'listening on' "$log" && break
        sleep 0.05
    done
    grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2
}

median() {
    for _ in $(seq "$repeat"); do build/release/loadgen --secret "$secret" "$@"; done |
        awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^deliveries_per_s=/) { split($i, a, "="); print a[2], $0 } }' |
        sort -n | awk -v n="$repeat" 'NR == int((n + 1) / 2) { $1 = ""; print substr($0, 2) }'
}
field() { grep -o "$1=[^ ]*" <<<"$2" | cut -d= -f2; }

one=$(instance single)
single=$(median --port "$one" --scenario fanout --connections "$subscribers" --events "$events" --window "$window")
a=$(instance a "redis://127.0.0.1:$redis_port")
b=$(instance b "redis://127.0.0.1:$redis_port")
for log in "$work/a.log" "$work/b.log"; do  # both subscribed to Redis
    for _ in $(seq 200); do grep -q 'redis: subscribed' "$log" && break; sleep 0.05; done
done
two=$(median --port "$a" --port2 "$b" --scenario fanout --connections "$subscribers" --events "$events" --window "$window")

echo
echo "| fan-out, $subscribers subscribers, $events events, window $window | deliveries/s | lost | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|---:|"
for row in "one instance|$single" "two instances through Redis (subscribers split)|$two"; do
    out=${row#*|}
    echo "| ${row%%|*} | $(field deliveries_per_s "$out") | $(field lost "$out") | $(field p50_ms "$out") | $(field p99_ms "$out") |"
done
echo
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); every process on this one machine"
