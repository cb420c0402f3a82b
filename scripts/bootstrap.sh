#!/usr/bin/env bash
# Installs the Debian packages ordercast needs to build, run and test. Idempotent: when
# everything is present it only checks and returns.
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config clang-format
    libboost1.81-dev libboost-json1.81-dev
    libssl-dev libspdlog-dev libgtest-dev libsqlite3-dev libsodium-dev libcurl4-openssl-dev
    libhiredis-dev redis-server postgresql libpq-dev nginx sqlite3 jq curl
    chromium
    prometheus  # for promtool, which checks /metrics in the tests (the server is not started)
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node runs the independent-client test suite; any node/npm on PATH will do.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
