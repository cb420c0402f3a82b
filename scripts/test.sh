#!/usr/bin/env bash
# Installs what is missing, builds and runs every test with ctest.
#   --sanitize   build and test with AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
./scripts/build.sh "$@"

dir=build/release
[[ ${1:-} == --sanitize ]] && dir=build/sanitize

# The Node suite drives the server with an independent client implementation (ws).
(cd tests/node && { [[ node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error; })

ctest --test-dir "$dir" --output-on-failure -j "$(nproc)"
