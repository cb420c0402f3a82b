// The menu on PostgreSQL (PROTOCOL.md §7).
#include "storage/id_list.hpp"
#include "storage/postgres/pg_arrays.hpp"
#include "storage/postgres/pg_repository.hpp"
#include "util/clock.hpp"
#include "util/text_key.hpp"

namespace ordercast::storage::postgres {
using namespace ordercast::domain;

namespace {

// Columns of a menu item, its cities as "3,7" (none: NULL).
constexpr const char* menu_columns =
    "SELECT m.id, m.name, m.price, m.available, m.created_at, m.updated_at, (SELECT "
    "string_agg(city_id::text, ',' ORDER BY city_id) FROM menu_item_cities WHERE item_id = "
    "m.id) FROM menu_items m";

std::vector<menu_item> read_menu_items(const result& r) {
    std::vector<menu_item> items;
    for (int i = 0; i < r.rows(); ++i) {
        items.push_back({r.int64(i, 0), r.text(i, 1), r.int64(i, 2), split_ids(r.text(i, 6)),
                         r.text(i, 3) == "t", r.text(i, 4), r.text(i, 5)});
    }
    return items;
}

}  // namespace

std::vector<menu_item> pg_repository::list_menu(std::optional<std::int64_t> city_id,
                                                bool available_only) {
    static const std::string sql =
        std::string(menu_columns) +
        " WHERE ($1 = 0 OR NOT EXISTS (SELECT 1 FROM menu_item_cities c WHERE c.item_id = m.id) "
        "OR EXISTS (SELECT 1 FROM menu_item_cities c WHERE c.item_id = m.id AND c.city_id = $1)) "
        "AND (NOT $2 OR m.available) ORDER BY m.id";
    return read_menu_items(db_.exec(
        sql.c_str(), {p(city_id.value_or(0)), std::string(available_only ? "true" : "false")}));
}

std::optional<menu_item> pg_repository::find_menu_item(std::int64_t id) {
    static const std::string sql = std::string(menu_columns) + " WHERE m.id = $1";
    auto found = read_menu_items(db_.exec(sql.c_str(), {p(id)}));
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<menu_item> pg_repository::menu_items_for_order(const std::vector<std::int64_t>& ids) {
    // FOR SHARE: a concurrent change of these items waits until the order has its prices.
    static const std::string sql =
        std::string(menu_columns) + " WHERE m.id = ANY($1::bigint[]) ORDER BY m.id FOR SHARE OF m";
    return read_menu_items(db_.exec(sql.c_str(), {id_array(ids)}));
}

void pg_repository::set_menu_cities(std::int64_t item_id, const std::vector<std::int64_t>& cities) {
    db_.exec("DELETE FROM menu_item_cities WHERE item_id = $1", {p(item_id)});
    if (cities.empty()) return;
    db_.exec(
        "INSERT INTO menu_item_cities (item_id, city_id) SELECT $1, unnest($2::bigint[]) ON "
        "CONFLICT DO NOTHING",
        {p(item_id), id_array(cities)});
}

std::optional<menu_item> pg_repository::insert_menu_item(const menu_item& item) {
    const std::string name = util::tidy_name(item.name);
    const std::string now = util::iso8601_now();
    auto r = db_.exec(
        "INSERT INTO menu_items (name, name_key, price, available, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING RETURNING id",
        {name, util::text_key(name), p(item.price), std::string(item.available ? "true" : "false"),
         now});
    if (r.empty()) return std::nullopt;
    const auto id = r.int64(0, 0);
    set_menu_cities(id, item.cities);
    return find_menu_item(id);
}

std::optional<menu_item> pg_repository::add_menu_item(const menu_item& item) {
    transaction tx(db_);
    auto added = insert_menu_item(item);
    if (added) tx.commit();
    return added;
}

std::pair<menu_write, menu_item> pg_repository::update_menu_item(std::int64_t id,
                                                                 const menu_patch& patch) {
    transaction tx(db_);
    if (db_.exec("SELECT 1 FROM menu_items WHERE id = $1 FOR UPDATE", {p(id)}).empty())
        return {menu_write::not_found, {}};
    if (patch.name) {
        const std::string name = util::tidy_name(*patch.name);
        auto moved = db_.exec(
            "UPDATE menu_items SET name = $1, name_key = $2 WHERE id = $3 AND NOT EXISTS (SELECT "
            "1 FROM menu_items WHERE name_key = $2 AND id != $3)",
            {name, util::text_key(name), p(id)});
        if (moved.affected() == 0) return {menu_write::name_taken, {}};
    }
    if (patch.price)
        db_.exec("UPDATE menu_items SET price = $1 WHERE id = $2", {p(*patch.price), p(id)});
    if (patch.available) {
        db_.exec("UPDATE menu_items SET available = $1 WHERE id = $2",
                 {std::string(*patch.available ? "true" : "false"), p(id)});
    }
    if (patch.cities) set_menu_cities(id, *patch.cities);
    db_.exec("UPDATE menu_items SET updated_at = $1 WHERE id = $2", {util::iso8601_now(), p(id)});
    auto updated = find_menu_item(id);
    tx.commit();
    return {menu_write::done, std::move(*updated)};
}

int pg_repository::import_menu(const std::vector<menu_item>& items) {
    transaction tx(db_);
    int added = 0;
    for (const auto& item : items) {
        const std::string name = util::tidy_name(item.name);
        auto existing = db_.exec("SELECT id FROM menu_items WHERE name_key = $1 FOR UPDATE",
                                 {util::text_key(name)});
        if (existing.empty()) {
            insert_menu_item(item);
            ++added;
            continue;
        }
        const auto id = existing.int64(0, 0);
        db_.exec(
            "UPDATE menu_items SET name = $1, price = $2, available = $3, updated_at = $4 WHERE "
            "id = $5",
            {name, p(item.price), std::string(item.available ? "true" : "false"),
             util::iso8601_now(), p(id)});
        set_menu_cities(id, item.cities);
    }
    tx.commit();
    return added;
}

}  // namespace ordercast::storage::postgres
