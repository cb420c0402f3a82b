#!/usr/bin/env bash
# Installs what is missing, builds Release and serves on port 3000 (PORT to change it).
# Without JWT_SECRET a development secret is generated once into data/dev-secret.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bootstrap.sh
./scripts/build.sh --server-only

if [[ -z ${JWT_SECRET:-} ]]; then
    mkdir -p data
    if [[ ! -s data/dev-secret ]]; then
        (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n=+/' > data/dev-secret)
    fi
    JWT_SECRET=$(cat data/dev-secret)
    export JWT_SECRET
fi

# Without a bot token, a development one (not a real bot's: those are "<digits>:<key>"), so the
# Mini App can be tried in a desktop browser with initData signed for it (printed below).
dev_bot=""
if [[ -z ${TELEGRAM_BOT_TOKEN:-} ]]; then
    mkdir -p data
    if [[ ! -s data/dev-bot-token ]]; then
        (umask 077 && printf 'dev:%s' "$(head -c 24 /dev/urandom | base64 | tr -d '\n=+/')" > data/dev-bot-token)
    fi
    TELEGRAM_BOT_TOKEN=$(cat data/dev-bot-token)
    export TELEGRAM_BOT_TOKEN
    dev_bot=yes
fi

# The development database starts with one city and a small demo menu, so that an order can
# be placed at once (only when it is created here, never over an existing one).
if [[ -z ${DATABASE_URL:-} && ! -e data/ordercast.db ]]; then
    build/release/ordercast migrate >/dev/null
    build/release/ordercast city add Moscow >/dev/null
    build/release/ordercast menu import scripts/demo-menu.json >/dev/null
    # A staff login for the board, its password generated and kept beside the secret.
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '\n=+/' > data/dev-admin-password)
    build/release/ordercast user add --login admin --role admin < data/dev-admin-password >/dev/null
    echo "data/ordercast.db: created with city 1 (Moscow), the menu of scripts/demo-menu.json and the login admin"
fi

port=${PORT:-3000}
token=$(build/release/ordercast token --user-id 1 --role admin --ttl 86400)
customer=$(build/release/ordercast token --user-id 10 --role user --ttl 86400)
board="The orders board: http://localhost:$port/ — paste the admin token below into its Token field"
if [[ -s data/dev-admin-password && -z ${DATABASE_URL:-} ]]; then
    board="The orders board: http://localhost:$port/ — login admin, password $(cat data/dev-admin-password)"
fi
cat <<MSG
ordercast on port $port. An admin token (24 h) is ready; in another terminal:

  npx wscat -c "ws://localhost:$port?token=$token"

then send {"type":"ping"}. Publish an event to it with:

  curl -X POST localhost:$port/api/events -H "Authorization: Bearer $token" \\
       -d '{"rooms":["admin-orders"],"type":"new-order","data":{"id":1}}'

or place an order from the demo menu as customer 10 (the socket gets new-order):

  curl localhost:$port/api/menu -H "Authorization: Bearer $customer"
  curl -X POST localhost:$port/api/orders -H "Authorization: Bearer $customer" \\
       -d '{"city_id":1,"items":[{"menuItemId":1,"quantity":2}]}'

$board
MSG
if [[ -n $dev_bot ]]; then
    cat <<MSG
The customers' Mini App, as Telegram would open it for a customer (a development bot token in
data/dev-bot-token; a fresh link: build/release/ordercast telegram init-data --telegram-id 10 --url ...):

  $(build/release/ordercast telegram init-data --telegram-id 10 --first-name Developer --url "http://localhost:$port/app")

MSG
fi
exec build/release/ordercast --port "$port" "$@"
