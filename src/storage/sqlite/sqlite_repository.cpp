#include "storage/sqlite/sqlite_repository.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>

#include "domain/order_json.hpp"
#include "storage/order_items.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"
#include "util/json_text.hpp"
#include "util/text_key.hpp"

namespace ordercast::storage::sqlite {
namespace json = boost::json;
using namespace ordercast::domain;

namespace {

order read_order(const statement& st) {
    order o;
    o.id = st.int64(0);
    o.order_number = st.text(1);
    o.user_id = st.int64(2);
    o.city_id = st.int64(3);
    o.status = parse_status(st.text(4)).value_or(order_status::pending);
    o.subtotal = st.int64(5);
    o.total = st.int64(6);
    o.bonuses_used = st.int64(7);
    o.bonuses_earned = st.int64(8);
    o.items = items_from_text(st.text(9));
    o.comment = st.text(10);
    o.created_at = st.text(11);
    o.updated_at = st.text(12);
    return o;
}

std::string prepare_path(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    return path;
}

}  // namespace

sqlite_repository::sqlite_repository(const std::string& path, bool record_outbox)
    : db_(prepare_path(path)), record_outbox_(record_outbox) {
    migrate();
}

int sqlite_repository::schema_version() {
    auto st = db_.prepare("PRAGMA user_version");
    st.step();
    return static_cast<int>(st.int64(0));
}

void sqlite_repository::migrate() {
    const int known = migrations().back().version;
    if (schema_version() > known) {
        throw storage_error("the database's schema is version " + std::to_string(schema_version()) +
                            ", newer than this ordercast knows (" + std::to_string(known) +
                            "): run the newer ordercast, or restore a backup taken before the "
                            "upgrade");
    }
    for (const auto& m : migrations()) {
        if (m.version <= schema_version()) continue;
        transaction tx(db_);
        db_.exec(m.sql);
        db_.exec(("PRAGMA user_version = " + std::to_string(m.version)).c_str());
        tx.commit();
    }
    backfill_keys();
}

void sqlite_repository::backfill_keys() {
    // Rows written before names were compared by key: give them theirs, unless another
    // row already holds it (that one keeps the name; this one stays as it was).
    transaction tx(db_);
    std::vector<std::pair<std::int64_t, std::string>> rows;
    {
        auto st = db_.prepare("SELECT id, name FROM cities WHERE name_key IS NULL");
        while (st.step()) rows.emplace_back(st.int64(0), st.text(1));
    }
    for (const auto& [id, name] : rows) {
        db_.prepare("UPDATE OR IGNORE cities SET name_key = ?1 WHERE id = ?2")
            .bind(1, util::text_key(name))
            .bind(2, id)
            .step();
    }
    rows.clear();
    {
        auto st = db_.prepare("SELECT id, login FROM users WHERE login IS NOT NULL");
        while (st.step()) rows.emplace_back(st.int64(0), st.text(1));
    }
    for (const auto& [id, login] : rows) {
        const auto key = util::text_key(login);
        if (key == login) continue;
        db_.prepare("UPDATE OR IGNORE users SET login = ?1 WHERE id = ?2")
            .bind(1, key)
            .bind(2, id)
            .step();
    }
    tx.commit();
}

std::optional<account_state> sqlite_repository::account(std::int64_t id) {
    // A removed account's id names nobody.
    auto st =
        db_.prepare("SELECT role, tokens_after FROM users WHERE id = ?1 AND role != 'removed'");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return account_state{id, st.text(0), st.int64(1)};
}

std::vector<account_state> sqlite_repository::accounts_ended_since(std::int64_t since_s) {
    auto st = db_.prepare(
        "SELECT id, role, tokens_after FROM users WHERE tokens_after >= ?1 AND "
        "tokens_after > 0");
    st.bind(1, since_s);
    std::vector<account_state> out;
    while (st.step()) out.push_back({st.int64(0), st.text(1), st.int64(2)});
    return out;
}

void sqlite_repository::ensure_user(std::int64_t id, std::string_view role) {
    db_.prepare("INSERT OR IGNORE INTO users (id, role, created_at) VALUES (?1, ?2, ?3)")
        .bind(1, id)
        .bind(2, role)
        .bind(3, util::iso8601_now())
        .step();
}

user sqlite_repository::upsert_telegram_user(std::int64_t telegram_id, std::string_view first_name,
                                             std::string_view username) {
    transaction tx(db_);
    db_.prepare(
           "INSERT INTO users (id, role, telegram_id, first_name, username, created_at) VALUES "
           "((SELECT COALESCE(MAX(id) + 1, 1000000000) FROM users WHERE id >= 1000000000), "
           "'user', ?1, ?2, ?3, ?4) "
           "ON CONFLICT (telegram_id) DO UPDATE SET first_name = excluded.first_name, username = "
           "excluded.username")
        .bind(1, telegram_id)
        .bind(2, first_name)
        .bind(3, username)
        .bind(4, util::iso8601_now())
        .step();
    auto st = db_.prepare(
        "SELECT id, role, first_name, username, bonus_balance FROM users WHERE telegram_id = ?1");
    st.bind(1, telegram_id);
    if (!st.step()) throw storage_error("telegram user vanished");
    user u{st.int64(0), st.text(1), "", telegram_id, st.text(2), st.text(3), st.int64(4)};
    tx.commit();
    return u;
}

std::int64_t sqlite_repository::add_staff_user(std::string_view login,
                                               std::string_view password_hash,
                                               std::string_view role,
                                               const std::vector<std::int64_t>& cities) {
    transaction tx(db_);
    db_.prepare(
           "INSERT OR IGNORE INTO users (id, role, login, password_hash, created_at) VALUES "
           "((SELECT COALESCE(MAX(id) + 1, 1000000000) FROM users WHERE id >= 1000000000), ?1, "
           "?2, ?3, ?4)")
        .bind(1, role)
        .bind(2, util::text_key(login))
        .bind(3, password_hash)
        .bind(4, util::iso8601_now())
        .step();
    if (db_.changes() == 0) return 0;
    const std::int64_t id = db_.last_insert_id();
    for (auto city : cities) {
        db_.prepare("INSERT OR IGNORE INTO manager_cities (user_id, city_id) VALUES (?1, ?2)")
            .bind(1, id)
            .bind(2, city)
            .step();
    }
    tx.commit();
    return id;
}

std::optional<staff_account> sqlite_repository::find_staff(std::string_view login) {
    auto st = db_.prepare(
        "SELECT id, role, password_hash FROM users WHERE login = ?1 AND password_hash IS NOT NULL");
    st.bind(1, util::text_key(login));
    if (!st.step()) return std::nullopt;
    staff_account a{st.int64(0), st.text(1), st.text(2), {}};
    a.cities = manager_cities(a.id);
    return a;
}

std::vector<staff_account> sqlite_repository::list_staff() {
    std::vector<staff_account> staff;
    auto st = db_.prepare(
        "SELECT id, role, login FROM users WHERE password_hash IS NOT NULL ORDER BY id");
    while (st.step()) staff.push_back({st.int64(0), st.text(1), {}, {}, st.text(2)});
    for (auto& a : staff) a.cities = manager_cities(a.id);
    return staff;
}

bool sqlite_repository::set_password(std::string_view login, std::string_view password_hash) {
    db_.prepare(
           "UPDATE users SET password_hash = ?2, tokens_after = ?3 WHERE login = ?1 AND "
           "password_hash IS NOT NULL")
        .bind(1, util::text_key(login))
        .bind(2, password_hash)
        .bind(3, util::unix_seconds())
        .step();
    return db_.changes() == 1;
}

std::optional<std::int64_t> sqlite_repository::remove_staff(std::string_view login) {
    transaction tx(db_);
    auto found = find_staff(login);
    if (!found) return std::nullopt;
    db_.prepare("DELETE FROM manager_cities WHERE user_id = ?1").bind(1, found->id).step();
    db_.prepare(
           "UPDATE users SET role = 'removed', login = NULL, password_hash = NULL, tokens_after "
           "= ?2 WHERE id = ?1")
        .bind(1, found->id)
        .bind(2, util::unix_seconds())
        .step();
    tx.commit();
    return found->id;
}

std::vector<city> sqlite_repository::list_cities() {
    std::vector<city> cities;
    auto st = db_.prepare("SELECT id, name FROM cities ORDER BY id");
    while (st.step()) cities.push_back({st.int64(0), st.text(1)});
    return cities;
}

std::optional<city> sqlite_repository::add_city(std::string_view name) {
    const std::string tidy = util::tidy_name(name);
    db_.prepare("INSERT OR IGNORE INTO cities (name, name_key, created_at) VALUES (?1, ?2, ?3)")
        .bind(1, tidy)
        .bind(2, util::text_key(tidy))
        .bind(3, util::iso8601_now())
        .step();
    if (db_.changes() == 0) return std::nullopt;
    return city{db_.last_insert_id(), tidy};
}

bool sqlite_repository::city_exists(std::int64_t id) {
    return db_.prepare("SELECT 1 FROM cities WHERE id = ?1").bind(1, id).step();
}

std::vector<std::int64_t> sqlite_repository::manager_cities(std::int64_t user_id) {
    std::vector<std::int64_t> cities;
    auto st = db_.prepare("SELECT city_id FROM manager_cities WHERE user_id = ?1 ORDER BY city_id");
    st.bind(1, user_id);
    while (st.step()) cities.push_back(st.int64(0));
    return cities;
}

void sqlite_repository::set_manager_cities(std::int64_t user_id,
                                           const std::vector<std::int64_t>& cities) {
    transaction tx(db_);
    db_.prepare("DELETE FROM manager_cities WHERE user_id = ?1").bind(1, user_id).step();
    for (auto city : cities) {
        db_.prepare("INSERT OR IGNORE INTO manager_cities (user_id, city_id) VALUES (?1, ?2)")
            .bind(1, user_id)
            .bind(2, city)
            .step();
    }
    tx.commit();
}

kopecks sqlite_repository::balance_of(std::int64_t user_id) {
    auto st = db_.prepare("SELECT bonus_balance FROM users WHERE id = ?1");
    st.bind(1, user_id);
    kopecks balance = st.step() ? st.int64(0) : 0;
    return balance;
}

void sqlite_repository::record_bonus(std::int64_t user_id, std::int64_t order_id,
                                     std::string_view type, kopecks amount, kopecks balance_after,
                                     const std::string& at) {
    db_.prepare(
           "INSERT INTO bonus_operations (user_id, order_id, type, amount, balance_after, "
           "created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, user_id)
        .bind(2, order_id)
        .bind(3, type)
        .bind(4, amount)
        .bind(5, balance_after)
        .bind(6, at)
        .step();
}

std::optional<created_order> sqlite_repository::create_order(order o, const order_pricing& price,
                                                             const order_events& events,
                                                             const idempotency_claim* claim) {
    transaction tx(db_);
    if (claim) {
        // An expired claim of the same key is forgotten first; a live one is taken.
        db_.prepare(
               "DELETE FROM idempotency_keys WHERE user_id = ?1 AND key = ?2 AND created_ms < ?3")
            .bind(1, o.user_id)
            .bind(2, claim->key)
            .bind(3, claim->now_ms - claim->ttl_ms)
            .step();
        db_.prepare(
               "INSERT OR IGNORE INTO idempotency_keys (user_id, key, request_hash, status, body, "
               "created_ms) VALUES (?1, ?2, ?3, 0, '', ?4)")
            .bind(1, o.user_id)
            .bind(2, claim->key)
            .bind(3, claim->request_hash)
            .bind(4, claim->now_ms)
            .step();
        if (db_.changes() == 0) throw idempotency_key_taken();
    }
    if (price) {
        std::vector<std::int64_t> ids;
        for (const auto& line : o.items) ids.push_back(line.menu_item_id);
        price(o, menu_items(ids));
    }
    const std::string now = util::iso8601_now();
    if (o.bonuses_used > 0) {
        // The balance check and the debit are one statement: it can never go negative.
        db_.prepare(
               "UPDATE users SET bonus_balance = bonus_balance - ?1 WHERE id = ?2 AND "
               "bonus_balance >= ?1")
            .bind(1, o.bonuses_used)
            .bind(2, o.user_id)
            .step();
        if (db_.changes() == 0) return std::nullopt;
    }
    auto next = db_.prepare("SELECT COALESCE(MAX(id), 0) + 1 FROM orders");
    next.step();
    o.id = next.int64(0);
    o.order_number = std::to_string(1000 + o.id);
    o.status = order_status::pending;
    o.created_at = o.updated_at = now;
    db_.prepare(
           "INSERT INTO orders (id, order_number, user_id, city_id, status, subtotal, total, "
           "bonuses_used, "
           "bonuses_earned, items, comment, created_at, updated_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)")
        .bind(1, o.id)
        .bind(2, o.order_number)
        .bind(3, o.user_id)
        .bind(4, o.city_id)
        .bind(5, to_string(o.status))
        .bind(6, o.subtotal)
        .bind(7, o.total)
        .bind(8, o.bonuses_used)
        .bind(9, o.bonuses_earned)
        .bind(10, items_to_text(o.items))
        .bind(11, o.comment)
        .bind(12, now)
        .step();
    const kopecks balance = balance_of(o.user_id);
    if (o.bonuses_used > 0) record_bonus(o.user_id, o.id, "used", o.bonuses_used, balance, now);
    record_outbox(o);
    auto logged = log_events(events, o, balance);
    if (claim) {
        db_.prepare(
               "UPDATE idempotency_keys SET status = 201, body = ?3 WHERE user_id = ?1 AND key = "
               "?2")
            .bind(1, o.user_id)
            .bind(2, claim->key)
            .bind(3, util::to_json_text(to_json(o)))
            .step();
    }
    tx.commit();
    return created_order{std::move(o), balance, std::move(logged)};
}

std::optional<remembered_answer> sqlite_repository::remembered(std::int64_t user_id,
                                                               std::string_view key,
                                                               std::int64_t since_ms) {
    auto st = db_.prepare(
        "SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = ?1 AND key = ?2 "
        "AND created_ms >= ?3 AND status != 0");
    st.bind(1, user_id).bind(2, key).bind(3, since_ms);
    if (!st.step()) return std::nullopt;
    return remembered_answer{st.text(0), static_cast<int>(st.int64(1)), st.text(2)};
}

int sqlite_repository::prune_idempotency(std::int64_t before_ms, int limit) {
    return delete_batch(
        "DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE "
        "created_ms < ?1 LIMIT ?2)",
        before_ms, limit);
}

int sqlite_repository::delete_batch(const char* sql, std::int64_t before_ms, int limit) {
    db_.prepare(sql).bind(1, before_ms).bind(2, static_cast<std::int64_t>(limit)).step();
    return db_.changes();
}

std::optional<order> sqlite_repository::find_order(std::int64_t id) {
    static const std::string sql = std::string(order_select) + " WHERE id = ?1";
    auto st = db_.prepare(sql.c_str());
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    order o = read_order(st.get());
    return o;
}

std::vector<order> sqlite_repository::list_orders(const order_filter& f) {
    std::string sql = std::string(order_select) + " WHERE 1 = 1";
    int n = 0;
    if (f.user_id) sql += " AND user_id = ?" + std::to_string(++n);
    if (f.cities) {
        sql += " AND city_id IN (SELECT value FROM json_each(?" + std::to_string(++n) + "))";
    }
    if (f.status) sql += " AND status = ?" + std::to_string(++n);
    if (f.city_id) sql += " AND city_id = ?" + std::to_string(++n);
    if (f.before_id) sql += " AND id < ?" + std::to_string(++n);
    sql += " ORDER BY id DESC LIMIT ?" + std::to_string(++n);

    auto st = db_.compile(sql);
    int i = 0;
    if (f.user_id) st->bind(++i, *f.user_id);
    if (f.cities) {
        json::array ids;
        for (auto c : *f.cities) ids.push_back(c);
        st->bind(++i, json::serialize(ids));
    }
    if (f.status) st->bind(++i, to_string(*f.status));
    if (f.city_id) st->bind(++i, *f.city_id);
    if (f.before_id) st->bind(++i, *f.before_id);
    st->bind(++i, static_cast<std::int64_t>(f.limit));
    std::vector<order> orders;
    while (st->step()) orders.push_back(read_order(*st));
    return orders;
}

std::optional<status_change> sqlite_repository::change_status(std::int64_t id, order_status from,
                                                              order_status to,
                                                              const bonus_effect& effect,
                                                              const order_events& events) {
    transaction tx(db_);
    const std::string now = util::iso8601_now();
    db_.prepare("UPDATE orders SET status = ?1, updated_at = ?2 WHERE id = ?3 AND status = ?4")
        .bind(1, to_string(to))
        .bind(2, now)
        .bind(3, id)
        .bind(4, to_string(from))
        .step();
    if (db_.changes() == 0) return std::nullopt;
    auto updated = find_order(id);
    status_change result{*updated, std::nullopt, {}};
    if (!effect.type.empty() && effect.amount > 0) {
        db_.prepare("UPDATE users SET bonus_balance = bonus_balance + ?1 WHERE id = ?2")
            .bind(1, effect.amount)
            .bind(2, updated->user_id)
            .step();
        result.balance = balance_of(updated->user_id);
        record_bonus(updated->user_id, id, effect.type, effect.amount, *result.balance, now);
    }
    record_outbox(*updated);
    result.events = log_events(events, result.updated, result.balance);
    tx.commit();
    return result;
}

std::pair<kopecks, std::vector<bonus_operation>> sqlite_repository::bonuses(std::int64_t user_id,
                                                                            int limit) {
    std::vector<bonus_operation> ops;
    auto st = db_.prepare(
        "SELECT type, amount, COALESCE(order_id, 0), balance_after, created_at FROM "
        "bonus_operations "
        "WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2");
    st.bind(1, user_id).bind(2, static_cast<std::int64_t>(limit));
    while (st.step())
        ops.push_back({st.text(0), st.int64(1), st.int64(2), st.int64(3), st.text(4)});
    return {balance_of(user_id), std::move(ops)};
}

void sqlite_repository::mark_sync_on() {
    db_.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES ('gulyash_sync', 'on')").step();
}

void sqlite_repository::record_outbox(const order& o) {
    // Recorded whenever any instance syncs, so that an instance started without GULYASH_URL
    // beside one with it loses nothing of its orders' changes.
    if (!record_outbox_ && !db_.prepare("SELECT 1 FROM settings WHERE key = 'gulyash_sync'").step())
        return;
    const auto now_ms = util::unix_millis();
    db_.prepare(
           "INSERT INTO outbox (entity, entity_id, payload, next_attempt_ms, created_ms, "
           "updated_at) "
           "VALUES ('order', ?1, ?2, ?3, ?3, ?4)")
        .bind(1, o.id)
        .bind(2, util::to_json_text(to_json(o)))
        .bind(3, now_ms)
        .bind(4, util::iso8601_now())
        .step();
}

std::vector<outbox_record> sqlite_repository::read_outbox(statement& st) {
    std::vector<outbox_record> records;
    while (st.step()) {
        records.push_back({st.int64(0), st.text(1), st.int64(2), st.text(3), st.text(4),
                           static_cast<int>(st.int64(5)), st.int64(6), st.text(7), st.text(8)});
    }
    return records;
}

namespace {
constexpr const char* outbox_columns =
    "SELECT id, entity, entity_id, payload, status, attempts, created_ms, last_error, updated_at "
    "FROM outbox o";
}

std::vector<outbox_record> sqlite_repository::due_outbox(std::int64_t now_ms, int limit,
                                                         std::string_view owner,
                                                         std::int64_t lease_ms) {
    // A change waits while an earlier one of the same order is undelivered (pending, leased
    // or given up): Gulyash must never see a status before the order's creation.
    static const std::string sql =
        "UPDATE outbox SET lease_until_ms = ?1 + ?4, lease_owner = ?3 WHERE id IN (SELECT o.id "
        "FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_ms <= ?1 AND "
        "o.lease_until_ms <= ?1 AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.entity = o.entity "
        "AND p.entity_id = o.entity_id AND p.id < o.id AND p.status != 'sent') ORDER BY o.id "
        "LIMIT ?2) RETURNING id, entity, entity_id, payload, status, attempts, created_ms, "
        "last_error, updated_at";
    auto st = db_.compile(sql);
    st->bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit)).bind(3, owner).bind(4, lease_ms);
    auto records = read_outbox(*st);
    // RETURNING gives no order.
    std::sort(records.begin(), records.end(),
              [](const outbox_record& a, const outbox_record& b) { return a.id < b.id; });
    return records;
}

bool sqlite_repository::outbox_sent(std::int64_t id, std::string_view owner, std::int64_t now_ms,
                                    logged_event* event) {
    transaction tx(db_);
    db_.prepare(
           "UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = '', "
           "lease_until_ms = 0, sent_ms = ?3, updated_at = ?4 WHERE id = ?1 AND lease_owner = ?2 "
           "AND status = 'pending'")
        .bind(1, id)
        .bind(2, owner)
        .bind(3, now_ms)
        .bind(4, util::iso8601_now())
        .step();
    if (db_.changes() != 1) return false;
    if (event) insert_event(*event);
    tx.commit();
    return true;
}

bool sqlite_repository::outbox_failed(std::int64_t id, std::string_view owner, int attempts,
                                      std::string_view error,
                                      std::optional<std::int64_t> next_attempt_ms,
                                      logged_event* event) {
    transaction tx(db_);
    db_.prepare(
           "UPDATE outbox SET status = ?2, attempts = ?3, last_error = ?4, next_attempt_ms = ?5, "
           "lease_until_ms = 0, updated_at = ?6 WHERE id = ?1 AND lease_owner = ?7 AND status = "
           "'pending'")
        .bind(1, id)
        .bind(2, next_attempt_ms ? "pending" : "failed")
        .bind(3, static_cast<std::int64_t>(attempts))
        .bind(4, error)
        .bind(5, next_attempt_ms.value_or(0))
        .bind(6, util::iso8601_now())
        .bind(7, owner)
        .step();
    if (db_.changes() != 1) return false;
    if (event) insert_event(*event);
    tx.commit();
    return true;
}

void sqlite_repository::release_stale_outbox_leases() {
    db_.prepare("UPDATE outbox SET lease_until_ms = 0, lease_owner = '' WHERE lease_until_ms > 0")
        .step();
}

int sqlite_repository::prune_outbox(std::int64_t before_ms, int limit) {
    return delete_batch(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND "
        "sent_ms < ?1 ORDER BY id LIMIT ?2)",
        before_ms, limit);
}

std::vector<outbox_record> sqlite_repository::failed_outbox(int limit) {
    static const std::string sql =
        std::string(outbox_columns) + " WHERE status = 'failed' ORDER BY id LIMIT ?1";
    auto st = db_.compile(sql);
    st->bind(1, static_cast<std::int64_t>(limit));
    return read_outbox(*st);
}

int sqlite_repository::requeue_outbox(std::string_view entity, std::int64_t entity_id,
                                      std::int64_t now_ms) {
    db_.prepare(
           "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = ?3, "
           "lease_until_ms = 0, updated_at = ?4 WHERE status = 'failed' AND entity = ?1 AND "
           "entity_id = ?2")
        .bind(1, entity)
        .bind(2, entity_id)
        .bind(3, now_ms)
        .bind(4, util::iso8601_now())
        .step();
    return db_.changes();
}

std::int64_t sqlite_repository::pending_outbox() {
    auto st = db_.prepare("SELECT COUNT(*) FROM outbox WHERE status = 'pending'");
    st.step();
    return st.int64(0);
}

bool sqlite_repository::healthy() {
    try {
        return db_.prepare("SELECT 1").step();
    } catch (const storage_error&) {
        return false;
    }
}

}  // namespace ordercast::storage::sqlite
