// The menu on SQLite (PROTOCOL.md §7).
#include "storage/id_list.hpp"
#include "storage/sqlite/sqlite_repository.hpp"
#include "util/clock.hpp"
#include "util/text_key.hpp"

namespace ordercast::storage::sqlite {
using namespace ordercast::domain;

namespace {

// Columns of a menu item, its cities as "3,7" (none: NULL).
constexpr const char* menu_columns =
    "SELECT m.id, m.name, m.price, m.available, m.created_at, m.updated_at, (SELECT "
    "group_concat(city_id) FROM (SELECT city_id FROM menu_item_cities WHERE item_id = m.id "
    "ORDER BY city_id)) FROM menu_items m";

menu_item read_menu_item(const statement& st) {
    return {st.int64(0),      st.text(1), st.int64(2), split_ids(st.text(6)),
            st.int64(3) != 0, st.text(4), st.text(5)};
}

}  // namespace

std::vector<menu_item> sqlite_repository::read_menu(const std::string& where,
                                                    const std::function<void(statement&)>& bind) {
    auto st = db_.compile(std::string(menu_columns) + " " + where + " ORDER BY m.id");
    bind(*st);
    std::vector<menu_item> items;
    while (st->step()) items.push_back(read_menu_item(*st));
    return items;
}

std::vector<menu_item> sqlite_repository::list_menu(std::optional<std::int64_t> city_id,
                                                    bool available_only) {
    return read_menu(
        "WHERE (?1 = 0 OR NOT EXISTS (SELECT 1 FROM menu_item_cities c WHERE c.item_id = m.id) "
        "OR EXISTS (SELECT 1 FROM menu_item_cities c WHERE c.item_id = m.id AND c.city_id = "
        "?1)) AND (?2 = 0 OR m.available = 1)",
        [&](statement& st) {
            st.bind(1, city_id.value_or(0));
            st.bind(2, std::int64_t{available_only ? 1 : 0});
        });
}

std::optional<menu_item> sqlite_repository::find_menu_item(std::int64_t id) {
    auto found = read_menu("WHERE m.id = ?1", [&](statement& st) { st.bind(1, id); });
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<menu_item> sqlite_repository::menu_items(const std::vector<std::int64_t>& ids) {
    std::string list;
    for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    return read_menu("WHERE m.id IN (SELECT value FROM json_each(?1))",
                     [&](statement& st) { st.bind(1, "[" + list + "]"); });
}

void sqlite_repository::set_menu_cities(std::int64_t item_id,
                                        const std::vector<std::int64_t>& cities) {
    db_.prepare("DELETE FROM menu_item_cities WHERE item_id = ?1").bind(1, item_id).step();
    for (auto city : cities) {
        db_.prepare("INSERT OR IGNORE INTO menu_item_cities (item_id, city_id) VALUES (?1, ?2)")
            .bind(1, item_id)
            .bind(2, city)
            .step();
    }
}

std::optional<menu_item> sqlite_repository::insert_menu_item(const menu_item& item) {
    const std::string name = util::tidy_name(item.name);
    const std::string now = util::iso8601_now();
    db_.prepare(
           "INSERT OR IGNORE INTO menu_items (name, name_key, price, available, created_at, "
           "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
        .bind(1, name)
        .bind(2, util::text_key(name))
        .bind(3, item.price)
        .bind(4, std::int64_t{item.available ? 1 : 0})
        .bind(5, now)
        .step();
    if (db_.changes() == 0) return std::nullopt;
    const auto id = db_.last_insert_id();
    set_menu_cities(id, item.cities);
    return find_menu_item(id);
}

std::optional<menu_item> sqlite_repository::add_menu_item(const menu_item& item) {
    transaction tx(db_);
    auto added = insert_menu_item(item);
    if (added) tx.commit();
    return added;
}

std::pair<menu_write, menu_item> sqlite_repository::update_menu_item(std::int64_t id,
                                                                     const menu_patch& patch) {
    transaction tx(db_);
    auto current = find_menu_item(id);
    if (!current) return {menu_write::not_found, {}};
    if (patch.name) {
        const std::string name = util::tidy_name(*patch.name);
        const bool taken = db_.prepare("SELECT 1 FROM menu_items WHERE name_key = ?1 AND id != ?2")
                               .bind(1, util::text_key(name))
                               .bind(2, id)
                               .step();
        if (taken) return {menu_write::name_taken, {}};
        db_.prepare("UPDATE menu_items SET name = ?1, name_key = ?2 WHERE id = ?3")
            .bind(1, name)
            .bind(2, util::text_key(name))
            .bind(3, id)
            .step();
    }
    if (patch.price)
        db_.prepare("UPDATE menu_items SET price = ?1 WHERE id = ?2")
            .bind(1, *patch.price)
            .bind(2, id)
            .step();
    if (patch.available)
        db_.prepare("UPDATE menu_items SET available = ?1 WHERE id = ?2")
            .bind(1, std::int64_t{*patch.available ? 1 : 0})
            .bind(2, id)
            .step();
    if (patch.cities) set_menu_cities(id, *patch.cities);
    db_.prepare("UPDATE menu_items SET updated_at = ?1 WHERE id = ?2")
        .bind(1, util::iso8601_now())
        .bind(2, id)
        .step();
    auto updated = find_menu_item(id);
    tx.commit();
    return {menu_write::done, std::move(*updated)};
}

int sqlite_repository::import_menu(const std::vector<menu_item>& items) {
    transaction tx(db_);
    int added = 0;
    for (const auto& item : items) {
        auto existing = db_.prepare("SELECT id FROM menu_items WHERE name_key = ?1");
        existing.bind(1, util::text_key(util::tidy_name(item.name)));
        if (!existing.step()) {
            insert_menu_item(item);
            ++added;
            continue;
        }
        const auto id = existing.int64(0);
        db_.prepare(
               "UPDATE menu_items SET name = ?1, price = ?2, available = ?3, updated_at = ?4 "
               "WHERE id = ?5")
            .bind(1, util::tidy_name(item.name))
            .bind(2, item.price)
            .bind(3, std::int64_t{item.available ? 1 : 0})
            .bind(4, util::iso8601_now())
            .bind(5, id)
            .step();
        set_menu_cities(id, item.cities);
    }
    tx.commit();
    return added;
}

}  // namespace ordercast::storage::sqlite
