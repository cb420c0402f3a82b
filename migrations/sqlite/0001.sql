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
