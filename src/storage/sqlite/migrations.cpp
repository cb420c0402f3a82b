#include "storage/sqlite/migrations.hpp"

#include <array>

namespace ordercast::storage::sqlite {
namespace {

constexpr const char* v1 = R"sql(
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL,
    login TEXT UNIQUE,
    password_hash TEXT,
    telegram_id INTEGER UNIQUE,
    first_name TEXT NOT NULL DEFAULT '',
    username TEXT NOT NULL DEFAULT '',
    bonus_balance INTEGER NOT NULL DEFAULT 0 CHECK (bonus_balance >= 0),
    created_at TEXT NOT NULL
);
CREATE TABLE cities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE manager_cities (
    user_id INTEGER NOT NULL REFERENCES users(id),
    city_id INTEGER NOT NULL REFERENCES cities(id),
    PRIMARY KEY (user_id, city_id)
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    order_number TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    city_id INTEGER NOT NULL REFERENCES cities(id),
    status TEXT NOT NULL,
    subtotal INTEGER NOT NULL,
    total INTEGER NOT NULL,
    bonuses_used INTEGER NOT NULL,
    bonuses_earned INTEGER NOT NULL,
    items TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orders_by_user ON orders (user_id, id);
CREATE INDEX orders_by_city ON orders (city_id, id);
CREATE INDEX orders_by_status ON orders (status, id);
CREATE TABLE bonus_operations (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    order_id INTEGER REFERENCES orders(id),
    type TEXT NOT NULL CHECK (type IN ('earned', 'used', 'refunded')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (order_id, type)
);
CREATE INDEX bonus_operations_by_user ON bonus_operations (user_id, id);
)sql";

// The Gulyash outbox: one row per change to deliver.
constexpr const char* v2 = R"sql(
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);
CREATE INDEX outbox_by_entity ON outbox (entity, entity_id, id);
)sql";

// Names that differ only in case or spacing are one name: the key is unique. Filled for
// older rows after migrating (text_key is not SQL).
constexpr const char* v3 = R"sql(
ALTER TABLE cities ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX cities_by_key ON cities (name_key);
)sql";

// The outbox is leased to one worker at a time (several deliver in parallel), and sent
// records are pruned by the time they were sent.
constexpr const char* v4 = R"sql(
ALTER TABLE outbox ADD COLUMN lease_until_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sent_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_sent ON outbox (status, sent_ms);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

// The event log (docs/protocol.md §10): a counter row hands out dense ids in commit order; rooms
// are indexed so a replay reads only what its rooms were sent.
constexpr const char* v5 = R"sql(
CREATE TABLE event_head (one INTEGER PRIMARY KEY CHECK (one = 1), id INTEGER NOT NULL);
INSERT INTO event_head (one, id) VALUES (1, 0);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    rooms TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX events_by_time ON events (created_ms);
CREATE TABLE event_rooms (
    room TEXT NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (room, event_id)
);
CREATE INDEX event_rooms_by_event ON event_rooms (event_id);
)sql";

// The menu (docs/protocol.md §7): orders take names and prices from it. No cities: sold in every
// city.
constexpr const char* v6 = R"sql(
CREATE TABLE menu_items (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    price INTEGER NOT NULL CHECK (price >= 0),
    available INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE menu_item_cities (
    item_id INTEGER NOT NULL REFERENCES menu_items(id) ON DELETE CASCADE,
    city_id INTEGER NOT NULL REFERENCES cities(id),
    PRIMARY KEY (item_id, city_id)
);
)sql";

// Idempotent order creation (docs/protocol.md §7): a customer's key and the answer it got, for
// 24 h. Status 0: claimed by a request still under way.
constexpr const char* v7 = R"sql(
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_by_time ON idempotency_keys (created_ms);
)sql";

// Unattended orders (docs/protocol.md §11): when each pending order was last alerted about (none
// yet: its creation counts); the schedule lives here, so restarts and instances share it.
constexpr const char* v8 = R"sql(
ALTER TABLE orders ADD COLUMN last_alert_ms INTEGER;
CREATE INDEX orders_pending ON orders (id) WHERE status = 'pending';
)sql";

// Ending an account's tokens (docs/protocol.md §2): tokens issued before `tokens_after` (unix
// seconds; a password change or a removal sets it) name nobody, and every instance closes
// the account's open sockets when it sees the value move.
constexpr const char* v9 = R"sql(
ALTER TABLE users ADD COLUMN tokens_after INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_tokens_after ON users (tokens_after) WHERE tokens_after > 0;
)sql";

constexpr std::array<migration, 9> all = {
    {{1, v1}, {2, v2}, {3, v3}, {4, v4}, {5, v5}, {6, v6}, {7, v7}, {8, v8}, {9, v9}}};

}  // namespace

std::span<const migration> migrations() {
    return all;
}

}  // namespace ordercast::storage::sqlite
