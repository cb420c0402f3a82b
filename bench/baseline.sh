#!/usr/bin/env bash
# Builds ordercast as it was before the event log (commit 8b80740) into
# build/baseline-8b80740 once, and prints the binary's path. The durability benchmarks
# compare against it.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=8b80740
out=build/baseline-$commit
if [[ ! -x $out/ordercast ]]; then
    rm -rf "$out.src"
    git worktree add -f --detach "$out.src" "$commit" >/dev/null 2>&1
    cmake -S "$out.src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$out" --target ordercast -j "$(nproc)" >/dev/null
    git worktree remove --force "$out.src"
fi
echo "$out/ordercast"
