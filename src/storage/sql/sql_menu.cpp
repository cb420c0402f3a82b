// The menu (docs/protocol.md §7).
#include "storage/id_list.hpp"
#include "storage/sql/sql_repository.hpp"
#include "util/clock.hpp"
#include "util/text_key.hpp"

namespace ordercast::storage::sql {
using namespace ordercast::domain;

std::vector<menu_item> sql_repository::menu_where(const std::string& where,
                                                  std::initializer_list<param> params) {
    const auto r = db_->exec(
        std::string("SELECT m.id, m.name, m.price, m.available, m.created_at, m.updated_at, ") +
            w_.item_cities + " FROM menu_items m " + where,
        params);
    std::vector<menu_item> items;
    for (int i = 0; i < r.size(); ++i) {
        items.push_back({r.int64(i, 0), r.text(i, 1), r.int64(i, 2), split_ids(r.text(i, 6)),
                         r.flag(i, 3), r.text(i, 4), r.text(i, 5)});
    }
    return items;
}

std::vector<menu_item> sql_repository::list_menu(std::optional<std::int64_t> city_id,
                                                 bool available_only) {
    return menu_where(
        "WHERE ($1 = 0 OR NOT EXISTS (SELECT 1 FROM menu_item_cities c WHERE c.item_id = m.id) "
        "OR EXISTS (SELECT 1 FROM menu_item_cities c WHERE c.item_id = m.id AND c.city_id = $1)) "
        "AND ($2 = 0 OR m.available = TRUE) ORDER BY m.id",
        {city_id.value_or(0), available_only ? 1 : 0});
}

std::optional<menu_item> sql_repository::find_menu_item(std::int64_t id) {
    auto found = menu_where("WHERE m.id = $1", {id});
    if (found.empty()) return std::nullopt;
    return found.front();
}

void sql_repository::set_menu_cities(std::int64_t item_id,
                                     const std::vector<std::int64_t>& cities) {
    db_->exec("DELETE FROM menu_item_cities WHERE item_id = $1", {item_id});
    if (cities.empty()) return;
    db_->exec("INSERT INTO menu_item_cities (item_id, city_id) SELECT $1, value FROM " +
                  w_.id_rows(2) + " ids WHERE TRUE ON CONFLICT DO NOTHING",
              {item_id, id_list{cities}});
}

std::optional<menu_item> sql_repository::insert_menu_item(const menu_item& item) {
    const std::string name = util::tidy_name(item.name);
    const std::string now = util::iso8601_now();
    auto r = db_->exec(
        "INSERT INTO menu_items (name, name_key, price, available, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT DO NOTHING RETURNING id",
        {name, util::text_key(name), item.price, flag{item.available}, now});
    if (r.empty()) return std::nullopt;
    const auto id = r.int64(0, 0);
    set_menu_cities(id, item.cities);
    return find_menu_item(id);
}

std::optional<menu_item> sql_repository::add_menu_item(const menu_item& item) {
    transaction tx(*db_);
    auto added = insert_menu_item(item);
    if (added) tx.commit();
    return added;
}

std::pair<menu_write, menu_item> sql_repository::update_menu_item(std::int64_t id,
                                                                  const menu_patch& patch) {
    transaction tx(*db_);
    if (db_->exec(std::string("SELECT 1 FROM menu_items WHERE id = $1") + w_.lock_update, {id})
            .empty())
        return {menu_write::not_found, {}};
    if (patch.name) {
        const std::string name = util::tidy_name(*patch.name);
        auto moved = db_->exec(
            "UPDATE menu_items SET name = $1, name_key = $2 WHERE id = $3 AND NOT EXISTS (SELECT "
            "1 FROM menu_items WHERE name_key = $2 AND id != $3)",
            {name, util::text_key(name), id});
        if (moved.affected() == 0) return {menu_write::name_taken, {}};
    }
    if (patch.price)
        db_->exec("UPDATE menu_items SET price = $1 WHERE id = $2", {*patch.price, id});
    if (patch.available)
        db_->exec("UPDATE menu_items SET available = $1 WHERE id = $2",
                  {flag{*patch.available}, id});
    if (patch.cities) set_menu_cities(id, *patch.cities);
    db_->exec("UPDATE menu_items SET updated_at = $1 WHERE id = $2", {util::iso8601_now(), id});
    auto updated = find_menu_item(id);
    tx.commit();
    return {menu_write::done, std::move(*updated)};
}

int sql_repository::import_menu(const std::vector<menu_item>& items) {
    transaction tx(*db_);
    int added = 0;
    for (const auto& item : items) {
        const std::string name = util::tidy_name(item.name);
        auto existing =
            db_->exec(std::string("SELECT id FROM menu_items WHERE name_key = $1") + w_.lock_update,
                      {util::text_key(name)});
        if (existing.empty()) {
            insert_menu_item(item);
            ++added;
            continue;
        }
        const auto id = existing.int64(0, 0);
        db_->exec(
            "UPDATE menu_items SET name = $1, price = $2, available = $3, updated_at = $4 WHERE "
            "id = $5",
            {name, item.price, flag{item.available}, util::iso8601_now(), id});
        set_menu_cities(id, item.cities);
    }
    tx.commit();
    return added;
}

}  // namespace ordercast::storage::sql
