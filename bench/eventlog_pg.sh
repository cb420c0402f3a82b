#!/usr/bin/env bash
# Publishing through the event log on PostgreSQL: how many events per second one instance
# logs and delivers when every POST /api/events is committed to a real PostgreSQL first
# (group commit, the counter row that orders committers), against the build from before the
# log (commit $baseline), which did not touch the database to publish.
#   bench/eventlog_pg.sh [--events K] [--subscribers N] [--window W] [--repeat R]
# Method: a fresh PostgreSQL 15 (Debian's, default durability settings: fsync and
# synchronous_commit on) in a temporary folder; ordercast with one network thread and
# DATABASE_POOL=4, pinned to core 0 with PostgreSQL; the load generator pinned to core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

baseline=8b80740  # bench/baseline.sh builds it
events=20000 subscribers=100 window=16 repeat=3
while (($#)); do
    case $1 in
        --events) events=$2 ;;
        --subscribers) subscribers=$2 ;;
        --window) window=$2 ;;
        --repeat) repeat=$2 ;;
        *) echo "eventlog_pg.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done

./scripts/bootstrap.sh
./scripts/build.sh >/dev/null
old=$(./bench/baseline.sh)
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d)
chmod 755 "$work"
as_pg=()
[[ $(id -u) == 0 ]] && { chown postgres "$work"; as_pg=(runuser -u postgres --); }
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.5; rm -rf "$work"' EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c 0 "${as_pg[@]}" "$pgbin/postgres" -D "$work/data" -p "$pgport" -k "$work" \
    -c listen_addresses=127.0.0.1 >"$work/pg.log" 2>&1 &
for _ in $(seq 100); do "$pgbin/pg_isready" -h 127.0.0.1 -p "$pgport" -q && break; sleep 0.1; done
ulimit -n "$(ulimit -Hn)"
secret=bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

# Runs the fan-out once on binary $1, on a new PostgreSQL database.
n=0
once() {
    n=$((n + 1))
    "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres "bench$n"
    fanout_once "$1" "postgresql://postgres@127.0.0.1:$pgport/bench$n" 300
}

declare -A lines
for _ in $(seq "$repeat"); do
    lines[new]+="$(once build/release/ordercast)"$'\n'
    lines[old]+="$(once "$old")"$'\n'
done
new=$(printf '%s' "${lines[new]}" | median_line seconds "$repeat")
old=$(printf '%s' "${lines[old]}" | median_line seconds "$repeat")
rate() { awk -v e="$events" -v s="$1" 'BEGIN { printf "%.0f", e / s }'; }
echo "| $events events to $subscribers subscribers, $window in flight, PostgreSQL | event log (this build) | before the log ($baseline) |"
echo "|---|---:|---:|"
echo "| events/s | $(rate "$(field seconds "$new")") | $(rate "$(field seconds "$old")") |"
echo "| publish-to-delivery p50 / p99 (ms) | $(field p50_ms "$new") / $(field p99_ms "$new") | $(field p50_ms "$old") / $(field p99_ms "$old") |"
echo "| lost | $(field lost "$new") | $(field lost "$old") |"
echo
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); ordercast (1 network thread, pool 4) and PostgreSQL 15"
echo "pinned to core 0, load generator to core 1; median of $repeat runs each, alternating"
