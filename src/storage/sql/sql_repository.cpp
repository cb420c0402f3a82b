// Users, staff accounts and cities; what the two dialects spell differently.
#include "storage/sql/sql_repository.hpp"

#include "storage/storage_error.hpp"
#include "util/clock.hpp"
#include "util/text_key.hpp"

namespace ordercast::storage::sql {
using namespace ordercast::domain;

namespace {

std::string json_rows(int n) {
    return "(SELECT value FROM json_each($" + std::to_string(n) + "))";
}

const dialect_words sqlite_words{
    json_rows,
    json_rows,
    "",
    "",
    "",
    "(SELECT group_concat(city_id) FROM (SELECT city_id FROM menu_item_cities WHERE item_id = "
    "m.id ORDER BY city_id))",
    "CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER)",
    "(SELECT COALESCE(MAX(id) + 1, 1000000000) FROM users WHERE id >= 1000000000)",
    // SQLite numbers orders itself; PostgreSQL's identity column and generated
    // order_number do it there.
    "id, order_number, ",
    "(SELECT COALESCE(MAX(id), 0) + 1 FROM orders), CAST((SELECT COALESCE(MAX(id), 0) + 1001 "
    "FROM orders) AS TEXT), ",
};

const dialect_words postgres_words{
    [](int n) { return "(SELECT unnest($" + std::to_string(n) + "::bigint[]) AS value)"; },
    [](int n) { return "(SELECT unnest($" + std::to_string(n) + "::text[]) AS value)"; },
    " FOR SHARE OF m",
    " FOR UPDATE",
    " FOR UPDATE SKIP LOCKED",
    "(SELECT string_agg(city_id::text, ',' ORDER BY city_id) FROM menu_item_cities WHERE "
    "item_id = m.id)",
    "(EXTRACT(EPOCH FROM created_at::timestamptz) * 1000)::bigint",
    "DEFAULT",
    "",
    "",
};

}  // namespace

sql_repository::sql_repository(std::unique_ptr<db> database, bool record_outbox)
    : db_(std::move(database)),
      w_(db_->kind() == dialect::sqlite ? sqlite_words : postgres_words),
      record_outbox_(record_outbox) {
    backfill_keys();
}

void sql_repository::backfill_keys() {
    // Rows written before names were compared by key: give them theirs, unless another
    // row already holds it (that one keeps the name; this one stays as it was).
    transaction tx(*db_);
    const auto cities = db_->exec("SELECT id, name FROM cities WHERE name_key IS NULL");
    for (int i = 0; i < cities.size(); ++i) {
        db_->exec(
            "UPDATE cities SET name_key = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM cities "
            "WHERE name_key = $1)",
            {util::text_key(cities.text(i, 1)), cities.int64(i, 0)});
    }
    const auto logins = db_->exec("SELECT id, login FROM users WHERE login IS NOT NULL");
    for (int i = 0; i < logins.size(); ++i) {
        const auto key = util::text_key(logins.text(i, 1));
        if (key == logins.text(i, 1)) continue;
        db_->exec(
            "UPDATE users SET login = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE "
            "login = $1)",
            {key, logins.int64(i, 0)});
    }
    tx.commit();
}

std::optional<account_state> sql_repository::account(std::int64_t id) {
    // A removed account's id names nobody.
    auto r =
        db_->exec("SELECT role, tokens_after FROM users WHERE id = $1 AND role != 'removed'", {id});
    if (r.empty()) return std::nullopt;
    return account_state{id, r.text(0, 0), r.int64(0, 1)};
}

std::vector<account_state> sql_repository::accounts_ended_since(std::int64_t since_s) {
    auto r = db_->exec(
        "SELECT id, role, tokens_after FROM users WHERE tokens_after >= $1 AND tokens_after > 0",
        {since_s});
    std::vector<account_state> out;
    for (int i = 0; i < r.size(); ++i) out.push_back({r.int64(i, 0), r.text(i, 1), r.int64(i, 2)});
    return out;
}

void sql_repository::ensure_user(std::int64_t id, std::string_view role) {
    db_->exec(
        "INSERT INTO users (id, role, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        {id, role, util::iso8601_now()});
}

user sql_repository::upsert_telegram_user(std::int64_t telegram_id, std::string_view first_name,
                                          std::string_view username) {
    auto r = db_->exec(
        std::string("INSERT INTO users (id, role, telegram_id, first_name, username, created_at) "
                    "VALUES (") +
            w_.new_user_id +
            ", 'user', $1, $2, $3, $4) ON CONFLICT (telegram_id) DO UPDATE SET first_name = "
            "excluded.first_name, username = excluded.username RETURNING id, role, first_name, "
            "username, bonus_balance",
        {telegram_id, first_name, username, util::iso8601_now()});
    if (r.empty()) throw storage_error("telegram user vanished");
    return user{r.int64(0, 0), r.text(0, 1), "",           telegram_id,
                r.text(0, 2),  r.text(0, 3), r.int64(0, 4)};
}

std::int64_t sql_repository::add_staff_user(std::string_view login, std::string_view password_hash,
                                            std::string_view role,
                                            const std::vector<std::int64_t>& cities) {
    transaction tx(*db_);
    auto r = db_->exec(
        std::string("INSERT INTO users (id, role, login, password_hash, created_at) VALUES (") +
            w_.new_user_id + ", $1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
        {role, util::text_key(login), password_hash, util::iso8601_now()});
    if (r.empty()) return 0;
    const std::int64_t id = r.int64(0, 0);
    for (auto city : cities) {
        db_->exec(
            "INSERT INTO manager_cities (user_id, city_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            {id, city});
    }
    tx.commit();
    return id;
}

std::optional<staff_account> sql_repository::find_staff(std::string_view login) {
    auto r = db_->exec(
        "SELECT id, role, password_hash, login FROM users WHERE login = $1 AND password_hash IS "
        "NOT NULL",
        {util::text_key(login)});
    if (r.empty()) return std::nullopt;
    staff_account a{r.int64(0, 0), r.text(0, 1), r.text(0, 2), {}, r.text(0, 3)};
    a.cities = manager_cities(a.id);
    return a;
}

std::vector<staff_account> sql_repository::list_staff() {
    auto r =
        db_->exec("SELECT id, role, login FROM users WHERE password_hash IS NOT NULL ORDER BY id");
    std::vector<staff_account> staff;
    for (int i = 0; i < r.size(); ++i)
        staff.push_back({r.int64(i, 0), r.text(i, 1), {}, {}, r.text(i, 2)});
    for (auto& a : staff) a.cities = manager_cities(a.id);
    return staff;
}

bool sql_repository::set_password(std::string_view login, std::string_view password_hash) {
    return db_->exec(
                  "UPDATE users SET password_hash = $2, tokens_after = $3 WHERE login = $1 AND "
                  "password_hash IS NOT NULL",
                  {util::text_key(login), password_hash, util::unix_seconds()})
               .affected() == 1;
}

std::optional<std::int64_t> sql_repository::remove_staff(std::string_view login) {
    transaction tx(*db_);
    auto found = find_staff(login);
    if (!found) return std::nullopt;
    db_->exec("DELETE FROM manager_cities WHERE user_id = $1", {found->id});
    db_->exec(
        "UPDATE users SET role = 'removed', login = NULL, password_hash = NULL, tokens_after = $2 "
        "WHERE id = $1",
        {found->id, util::unix_seconds()});
    tx.commit();
    return found->id;
}

std::vector<city> sql_repository::list_cities() {
    auto r = db_->exec("SELECT id, name FROM cities ORDER BY id");
    std::vector<city> cities;
    for (int i = 0; i < r.size(); ++i) cities.push_back({r.int64(i, 0), r.text(i, 1)});
    return cities;
}

std::optional<city> sql_repository::add_city(std::string_view name) {
    const std::string tidy = util::tidy_name(name);
    auto r = db_->exec(
        "INSERT INTO cities (name, name_key, created_at) VALUES ($1, $2, $3) ON CONFLICT DO "
        "NOTHING RETURNING id",
        {tidy, util::text_key(tidy), util::iso8601_now()});
    if (r.empty()) return std::nullopt;
    return city{r.int64(0, 0), tidy};
}

bool sql_repository::city_exists(std::int64_t id) {
    return !db_->exec("SELECT 1 FROM cities WHERE id = $1", {id}).empty();
}

std::vector<std::int64_t> sql_repository::manager_cities(std::int64_t user_id) {
    auto r = db_->exec("SELECT city_id FROM manager_cities WHERE user_id = $1 ORDER BY city_id",
                       {user_id});
    std::vector<std::int64_t> cities;
    for (int i = 0; i < r.size(); ++i) cities.push_back(r.int64(i, 0));
    return cities;
}

void sql_repository::set_manager_cities(std::int64_t user_id,
                                        const std::vector<std::int64_t>& cities) {
    transaction tx(*db_);
    db_->exec("DELETE FROM manager_cities WHERE user_id = $1", {user_id});
    for (auto city : cities) {
        db_->exec(
            "INSERT INTO manager_cities (user_id, city_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            {user_id, city});
    }
    tx.commit();
}

kopecks sql_repository::balance_of(std::int64_t user_id) {
    auto r = db_->exec("SELECT bonus_balance FROM users WHERE id = $1", {user_id});
    return r.empty() ? 0 : r.int64(0, 0);
}

int sql_repository::delete_batch(const char* sql, std::int64_t before_ms, int limit) {
    return static_cast<int>(db_->exec(sql, {before_ms, limit}).affected());
}

bool sql_repository::healthy() {
    try {
        return !db_->exec("SELECT 1").empty();
    } catch (const storage_error&) {
        return false;
    }
}

}  // namespace ordercast::storage::sql
