#!/usr/bin/env bash
# The fault-injection soak (tests/node/soak.test.mjs) in its long form: two instances on a
# real PostgreSQL and Redis under load (256-460 acknowledged requests/s measured) while
# instances are killed (-9) and stopped (SIGTERM), Redis and PostgreSQL frozen and restarted
# and the database queue filled, then a quiet period; prints the figures line (faults by kind, acknowledged
# changes, events received, resumes, violations) and fails on any violation.
#   bench/soak.sh [SECONDS]     (default 600; scripts/test.sh runs 40)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
./scripts/build.sh --server-only >/dev/null
(cd tests/node && { [[ node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error; })
cd tests/node
ORDERCAST_BIN=../../build/release/ordercast SOAK_SECONDS=$seconds \
    node --test --test-timeout=$(((seconds + 200) * 1000)) soak.test.mjs 2>&1 |
    grep -E '^# soak figures|^not ok|^ok|violations|^    \+' | head -40
exit "${PIPESTATUS[0]}"
