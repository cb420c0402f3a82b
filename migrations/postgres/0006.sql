-- The menu (docs/protocol.md §7): orders take names and prices from it. No cities: sold in every
-- city.
CREATE TABLE menu_items (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    price BIGINT NOT NULL CHECK (price >= 0),
    available BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE menu_item_cities (
    item_id BIGINT NOT NULL REFERENCES menu_items(id) ON DELETE CASCADE,
    city_id BIGINT NOT NULL REFERENCES cities(id),
    PRIMARY KEY (item_id, city_id)
);
