#!/usr/bin/env bash
# Builds Release into build/release (or, with --sanitize, ASan+UBSan into build/sanitize).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build/release
flags=(-DCMAKE_BUILD_TYPE=Release)
if [[ ${1:-} == --sanitize ]]; then
    dir=build/sanitize
    flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DORDERCAST_SANITIZE=ON)
fi

[[ -f $dir/build.ninja ]] || cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
