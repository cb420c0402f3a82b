-- The menu (docs/protocol.md §7): orders take names and prices from it. No cities: sold in every
-- city.
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
