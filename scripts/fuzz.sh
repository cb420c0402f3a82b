#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build/fuzz and runs each for a while.
#   ./scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
done

seconds=${1:-30}
[[ -f build/fuzz/build.ninja ]] ||
    CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DORDERCAST_FUZZ=ON \
        -DBUILD_TESTING=OFF >/dev/null
cmake --build build/fuzz --target ws_reader_fuzz jwt_fuzz client_message_fuzz

for target in ws_reader jwt client_message; do
    work=build/fuzz/corpus/$target
    mkdir -p "$work"
    echo "fuzz: $target for ${seconds}s"
    log=build/fuzz/$target.log
    if ! "build/fuzz/fuzz/${target}_fuzz" -max_total_time="$seconds" -max_len=70000 -print_final_stats=1 \
        -artifact_prefix="build/fuzz/$target-" "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
        tail -40 "$log" >&2
        echo "fuzz: $target failed; the input is in build/fuzz/$target-*" >&2
        exit 1
    fi
    grep -E "^Done" "$log" || true
done
