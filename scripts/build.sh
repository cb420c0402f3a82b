#!/usr/bin/env bash
# Builds Release into build/release (or, with --sanitize, ASan+UBSan into build/sanitize).
# --server-only builds just the ordercast binary (what run.sh needs), not the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build/release
flags=(-DCMAKE_BUILD_TYPE=Release)
targets=()
for arg in "$@"; do
    case $arg in
        --sanitize) dir=build/sanitize; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DORDERCAST_SANITIZE=ON) ;;
        --server-only) targets=(--target ordercast) ;;
        *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

[[ -f $dir/build.ninja ]] || cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
