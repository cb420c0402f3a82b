#!/usr/bin/env bash
# What the event log costs on the hot path (issue 11): the fan-out scenario of compare.sh on
# this build (every event logged to SQLite before it is delivered) against the build from
# before the log (commit $baseline, built once into build/baseline-<commit>).
#   bench/durability.sh [--subscribers N] [--events K] [--window W] [--repeat R]
# Method as in compare.sh: server pinned to core 0 with one network thread, the load
# generator pinned to core 1; both binaries run the same scenario alternately, R times each,
# and the median run of each is reported. Server CPU per delivery is user+sys from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

baseline=8b80740  # bench/baseline.sh builds it
subscribers=10000 events=200 window=16 repeat=3
while (($#)); do
    case $1 in
        --subscribers) subscribers=$2 ;;
        --events) events=$2 ;;
        --window) window=$2 ;;
        --repeat) repeat=$2 ;;
        *) echo "durability.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done

./scripts/bootstrap.sh
./scripts/build.sh >/dev/null
old=$(./bench/baseline.sh)
ulimit -n "$(ulimit -Hn)"
secret=bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Runs the fan-out once on binary $1, on a new SQLite database.
once() { fanout_once "$1" "sqlite://$work/$RANDOM.db" 120; }

declare -A lines
for _ in $(seq "$repeat"); do
    lines[new]+="$(once build/release/ordercast)"$'\n'
    lines[old]+="$(once "$old")"$'\n'
done
new=$(printf '%s' "${lines[new]}" | median_line deliveries_per_s "$repeat")
old=$(printf '%s' "${lines[old]}" | median_line deliveries_per_s "$repeat")
echo "| fan-out ($subscribers subscribers, $events events, $window producers) | event log (this build) | before the log ($baseline) | log / before |"
echo "|---|---:|---:|---:|"
for key in deliveries_per_s server_cpu_us_per_delivery p50_ms p99_ms lost; do
    a=$(field "$key" "$new") b=$(field "$key" "$old")
    echo "| $key | $a | $b | $(ratio "$a" "$b") |"
done
echo
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); server pinned to core 0 (1 network thread, SQLite),"
echo "load generator pinned to core 1; median of $repeat runs each, alternating"
