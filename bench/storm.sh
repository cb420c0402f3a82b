#!/usr/bin/env bash
# The reconnect storm of docs/protocol.md §10: N subscribers connected; all drop; K events are
# published while they are away; all reconnect at once with `?since=`. The run fails unless
# every missed event reaches every subscriber exactly once, in id order (no resync).
#   bench/storm.sh [--subscribers N] [--events K] [--repeat R] [--concurrency C] [--threads T]
#                  [--watchers W]
# W customers stay connected through the storm and get a timestamped event every 10 ms
# while it rages: their latency shows whether the storm stalls delivery to everybody else.
# Method: the server (SQLite, the default database) is pinned to core 0 and runs T network
# threads (default 1); the load generator (one thread, epoll) is pinned to core 1 and keeps
# C handshakes in flight. "seconds" runs from the first reconnect to the last subscriber's
# last missed event; p50/p99 are per subscriber, from its connect to its last missed event.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

subscribers=10000 events=50 repeat=3 concurrency=512 threads=1 watchers=100
while (($#)); do
    case $1 in
        --subscribers) subscribers=$2 ;;
        --events) events=$2 ;;
        --repeat) repeat=$2 ;;
        --concurrency) concurrency=$2 ;;
        --threads) threads=$2 ;;
        --watchers) watchers=$2 ;;
        *) echo "storm.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done

./scripts/bootstrap.sh
./scripts/build.sh >/dev/null
ulimit -n "$(ulimit -Hn)"
secret=bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

taskset -c 0 build/release/ordercast --port 0 --host 127.0.0.1 --jwt-secret "$secret" \
    --database-url "sqlite://$work/ordercast.db" --threads "$threads" \
    --rate-limit-per-s 1000000 --log-level info 2>"$work/server.log" &
pid=$!
port=$(wait_port "$pid" "$work/server.log")

lines=()
for _ in $(seq "$repeat"); do
    lines+=("$(taskset -c 1 build/release/loadgen --port "$port" --secret "$secret" --scenario storm \
        --connections "$subscribers" --events "$events" --concurrency "$concurrency" \
        --watchers "$watchers" --server-pid "$pid")")
done
printf '%s\n' "${lines[@]}"
median=$(printf '%s\n' "${lines[@]}" | median_line seconds "$repeat")
echo
echo "median: $median"
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); server pinned to core 0 ($threads network thread(s), SQLite);"
echo "load generator pinned to core 1, $concurrency handshakes in flight; median of $repeat storms on one server"
