#!/usr/bin/env bash
# Every `#include "<folder>/..."` in src/<F>/ names a library that src/<F>/CMakeLists.txt
# links (ordercast_<folder>; the broker's interface header is ordercast_broker_api): the
# dependencies written beside the code are the ones the code has. Prints each violation;
# exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/../src"
status=0
checked=0
for dir in */; do
    folder=${dir%/}
    declared=$(grep -o 'ordercast_[a-z_]*' "$folder/CMakeLists.txt" | sort -u)
    while IFS=: read -r file header; do
        [[ -z $file ]] && continue
        used=${header%%/*}
        [[ $used == "$folder" ]] && continue
        target=ordercast_$used
        [[ $header == broker/broker.hpp ]] && target=ordercast_broker_api
        checked=$((checked + 1))
        if ! grep -qx "$target" <<<"$declared"; then
            echo "$file includes \"$header\" but src/$folder/CMakeLists.txt does not link $target"
            status=1
        fi
    done < <(grep -rHoE '^#include "[a-z_]+/[^"]+"' "$folder" | sed -E 's/:#include "([^"]+)"/:\1/')
done
echo "include check: $checked cross-folder includes, $([[ $status == 0 ]] && echo "all declared" || echo "some undeclared")"
exit $status
