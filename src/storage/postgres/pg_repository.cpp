#include "storage/postgres/pg_repository.hpp"

#include <algorithm>

#include "domain/order_json.hpp"
#include "storage/order_items.hpp"
#include "storage/postgres/pg_arrays.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"
#include "util/json_text.hpp"
#include "util/text_key.hpp"

namespace ordercast::storage::postgres {
using namespace ordercast::domain;

namespace {

constexpr const char* outbox_columns =
    "id, entity, entity_id, payload, status, attempts, created_ms, last_error, updated_at";

order read_order(const result& r, int row) {
    order o;
    o.id = r.int64(row, 0);
    o.order_number = r.text(row, 1);
    o.user_id = r.int64(row, 2);
    o.city_id = r.int64(row, 3);
    o.status = parse_status(r.text(row, 4)).value_or(order_status::pending);
    o.subtotal = r.int64(row, 5);
    o.total = r.int64(row, 6);
    o.bonuses_used = r.int64(row, 7);
    o.bonuses_earned = r.int64(row, 8);
    o.items = items_from_text(r.text(row, 9));
    o.comment = r.text(row, 10);
    o.created_at = r.text(row, 11);
    o.updated_at = r.text(row, 12);
    return o;
}

std::vector<outbox_record> read_outbox(const result& r) {
    std::vector<outbox_record> records;
    for (int i = 0; i < r.rows(); ++i) {
        records.push_back({r.int64(i, 0), r.text(i, 1), r.int64(i, 2), r.text(i, 3), r.text(i, 4),
                           static_cast<int>(r.int64(i, 5)), r.int64(i, 6), r.text(i, 7),
                           r.text(i, 8)});
    }
    std::sort(records.begin(), records.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return records;
}

}  // namespace

pg_repository::pg_repository(const std::string& url, bool record_outbox)
    : db_(url), record_outbox_(record_outbox) {
    migrate();
}

int pg_repository::schema_version() {
    auto r = db_.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    return static_cast<int>(r.int64(0, 0));
}

void pg_repository::migrate() {
    // Instances starting together must not migrate twice.
    db_.exec("SELECT pg_advisory_lock(7246001)");
    try {
        db_.exec_script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        const int known = migrations().back().version;
        if (schema_version() > known) {
            throw storage_error("the database's schema is version " +
                                std::to_string(schema_version()) +
                                ", newer than this ordercast knows (" + std::to_string(known) +
                                "): run the newer ordercast, or restore a backup taken before "
                                "the upgrade");
        }
        for (const auto& m : migrations()) {
            if (m.version <= schema_version()) continue;
            transaction tx(db_);
            db_.exec_script(m.sql);
            db_.exec("INSERT INTO schema_version (version) VALUES ($1)", {p(m.version)});
            tx.commit();
        }
        backfill_keys();
    } catch (...) {
        db_.exec("SELECT pg_advisory_unlock(7246001)");
        throw;
    }
    db_.exec("SELECT pg_advisory_unlock(7246001)");
}

void pg_repository::backfill_keys() {
    // Rows written before names were compared by key: give them theirs, unless another
    // row already holds it (that one keeps the name; this one stays as it was).
    transaction tx(db_);
    auto cities = db_.exec("SELECT id, name FROM cities WHERE name_key IS NULL");
    for (int i = 0; i < cities.rows(); ++i) {
        db_.exec(
            "UPDATE cities SET name_key = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM cities "
            "WHERE name_key = $1)",
            {util::text_key(cities.text(i, 1)), p(cities.int64(i, 0))});
    }
    auto logins = db_.exec("SELECT id, login FROM users WHERE login IS NOT NULL");
    for (int i = 0; i < logins.rows(); ++i) {
        const auto key = util::text_key(logins.text(i, 1));
        if (key == logins.text(i, 1)) continue;
        db_.exec(
            "UPDATE users SET login = $1 WHERE id = $2 AND NOT EXISTS (SELECT 1 FROM users WHERE "
            "login = $1)",
            {key, p(logins.int64(i, 0))});
    }
    tx.commit();
}

std::optional<account_state> pg_repository::account(std::int64_t id) {
    // A removed account's id names nobody.
    auto r = db_.exec("SELECT role, tokens_after FROM users WHERE id = $1 AND role != 'removed'",
                      {p(id)});
    if (r.empty()) return std::nullopt;
    return account_state{id, r.text(0, 0), r.int64(0, 1)};
}

std::vector<account_state> pg_repository::accounts_ended_since(std::int64_t since_s) {
    auto r = db_.exec(
        "SELECT id, role, tokens_after FROM users WHERE tokens_after >= $1 AND tokens_after > 0",
        {p(since_s)});
    std::vector<account_state> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.int64(i, 0), r.text(i, 1), r.int64(i, 2)});
    return out;
}

void pg_repository::ensure_user(std::int64_t id, std::string_view role) {
    db_.exec(
        "INSERT INTO users (id, role, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        {p(id), p(role), util::iso8601_now()});
}

user pg_repository::upsert_telegram_user(std::int64_t telegram_id, std::string_view first_name,
                                         std::string_view username) {
    auto r = db_.exec(
        "INSERT INTO users (role, telegram_id, first_name, username, created_at) VALUES ('user', "
        "$1, $2, $3, $4) "
        "ON CONFLICT (telegram_id) DO UPDATE SET first_name = EXCLUDED.first_name, username = "
        "EXCLUDED.username "
        "RETURNING id, role, first_name, username, bonus_balance",
        {p(telegram_id), p(first_name), p(username), util::iso8601_now()});
    return user{r.int64(0, 0), r.text(0, 1), "",           telegram_id,
                r.text(0, 2),  r.text(0, 3), r.int64(0, 4)};
}

std::int64_t pg_repository::add_staff_user(std::string_view login, std::string_view password_hash,
                                           std::string_view role,
                                           const std::vector<std::int64_t>& cities) {
    transaction tx(db_);
    auto r = db_.exec(
        "INSERT INTO users (role, login, password_hash, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (login) DO NOTHING RETURNING id",
        {p(role), util::text_key(login), p(password_hash), util::iso8601_now()});
    if (r.empty()) return 0;
    const std::int64_t id = r.int64(0, 0);
    for (auto city : cities) {
        db_.exec(
            "INSERT INTO manager_cities (user_id, city_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            {p(id), p(city)});
    }
    tx.commit();
    return id;
}

std::optional<staff_account> pg_repository::find_staff(std::string_view login) {
    auto r = db_.exec(
        "SELECT id, role, password_hash FROM users WHERE login = $1 AND password_hash IS NOT NULL",
        {util::text_key(login)});
    if (r.empty()) return std::nullopt;
    staff_account a{r.int64(0, 0), r.text(0, 1), r.text(0, 2), {}};
    a.cities = manager_cities(a.id);
    return a;
}

std::vector<staff_account> pg_repository::list_staff() {
    std::vector<staff_account> staff;
    auto r =
        db_.exec("SELECT id, role, login FROM users WHERE password_hash IS NOT NULL ORDER BY id");
    for (int i = 0; i < r.rows(); ++i)
        staff.push_back({r.int64(i, 0), r.text(i, 1), {}, {}, r.text(i, 2)});
    for (auto& a : staff) a.cities = manager_cities(a.id);
    return staff;
}

bool pg_repository::set_password(std::string_view login, std::string_view password_hash) {
    return db_.exec(
                  "UPDATE users SET password_hash = $2, tokens_after = $3 WHERE login = $1 AND "
                  "password_hash IS NOT NULL",
                  {util::text_key(login), p(password_hash), p(util::unix_seconds())})
               .affected() == 1;
}

std::optional<std::int64_t> pg_repository::remove_staff(std::string_view login) {
    transaction tx(db_);
    auto found = find_staff(login);
    if (!found) return std::nullopt;
    db_.exec("DELETE FROM manager_cities WHERE user_id = $1", {p(found->id)});
    db_.exec(
        "UPDATE users SET role = 'removed', login = NULL, password_hash = NULL, tokens_after = $2 "
        "WHERE id = $1",
        {p(found->id), p(util::unix_seconds())});
    tx.commit();
    return found->id;
}

std::vector<city> pg_repository::list_cities() {
    auto r = db_.exec("SELECT id, name FROM cities ORDER BY id");
    std::vector<city> cities;
    for (int i = 0; i < r.rows(); ++i) cities.push_back({r.int64(i, 0), r.text(i, 1)});
    return cities;
}

std::optional<city> pg_repository::add_city(std::string_view name) {
    const std::string tidy = util::tidy_name(name);
    auto r = db_.exec(
        "INSERT INTO cities (name, name_key, created_at) VALUES ($1, $2, $3) ON CONFLICT DO "
        "NOTHING RETURNING id",
        {tidy, util::text_key(tidy), util::iso8601_now()});
    if (r.empty()) return std::nullopt;
    return city{r.int64(0, 0), tidy};
}

bool pg_repository::city_exists(std::int64_t id) {
    return !db_.exec("SELECT 1 FROM cities WHERE id = $1", {p(id)}).empty();
}

std::vector<std::int64_t> pg_repository::manager_cities(std::int64_t user_id) {
    auto r = db_.exec("SELECT city_id FROM manager_cities WHERE user_id = $1 ORDER BY city_id",
                      {p(user_id)});
    std::vector<std::int64_t> cities;
    for (int i = 0; i < r.rows(); ++i) cities.push_back(r.int64(i, 0));
    return cities;
}

void pg_repository::set_manager_cities(std::int64_t user_id,
                                       const std::vector<std::int64_t>& cities) {
    transaction tx(db_);
    db_.exec("DELETE FROM manager_cities WHERE user_id = $1", {p(user_id)});
    for (auto city : cities) {
        db_.exec(
            "INSERT INTO manager_cities (user_id, city_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            {p(user_id), p(city)});
    }
    tx.commit();
}

kopecks pg_repository::balance_of(std::int64_t user_id) {
    auto r = db_.exec("SELECT bonus_balance FROM users WHERE id = $1", {p(user_id)});
    return r.empty() ? 0 : r.int64(0, 0);
}

void pg_repository::mark_sync_on() {
    db_.exec(
        "INSERT INTO settings (key, value) VALUES ('gulyash_sync', 'on') ON CONFLICT DO NOTHING");
}

void pg_repository::record_outbox(const order& o) {
    // Recorded whenever any instance syncs, so that an instance started without GULYASH_URL
    // beside one with it loses nothing of its orders' changes.
    if (!record_outbox_ && db_.exec("SELECT 1 FROM settings WHERE key = 'gulyash_sync'").empty())
        return;
    const auto now = util::unix_millis();
    db_.exec(
        "INSERT INTO outbox (entity, entity_id, payload, next_attempt_ms, created_ms, updated_at) "
        "VALUES ('order', $1, $2, $3, $3, $4)",
        {p(o.id), util::to_json_text(to_json(o)), p(now), util::iso8601_now()});
}

std::optional<created_order> pg_repository::create_order(order o, const order_pricing& price,
                                                         const order_events& events,
                                                         const idempotency_claim* claim) {
    transaction tx(db_);
    if (claim) {
        // An expired claim of the same key is forgotten first. A live one is taken: the
        // unique key makes a concurrent claimer wait for this transaction, then find it.
        db_.exec("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_ms < $3",
                 {p(o.user_id), claim->key, p(claim->now_ms - claim->ttl_ms)});
        auto claimed = db_.exec(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_ms) "
            "VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
            {p(o.user_id), claim->key, claim->request_hash, p(claim->now_ms)});
        if (claimed.affected() == 0) throw idempotency_key_taken();
    }
    if (price) {
        std::vector<std::int64_t> ids;
        for (const auto& line : o.items) ids.push_back(line.menu_item_id);
        price(o, menu_items_for_order(ids));
    }
    const std::string now = util::iso8601_now();
    if (o.bonuses_used > 0) {
        // Check and debit in one statement; a concurrent spender waits for the row lock and
        // then re-checks the balance.
        auto debit = db_.exec(
            "UPDATE users SET bonus_balance = bonus_balance - $1 WHERE id = $2 AND bonus_balance "
            ">= $1",
            {p(o.bonuses_used), p(o.user_id)});
        if (debit.affected() == 0) return std::nullopt;
    }
    o.status = order_status::pending;
    o.created_at = o.updated_at = now;
    auto r = db_.exec(
        "INSERT INTO orders (user_id, city_id, status, subtotal, total, bonuses_used, "
        "bonuses_earned, items, "
        "comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) "
        "RETURNING id, order_number",
        {p(o.user_id), p(o.city_id), p(to_string(o.status)), p(o.subtotal), p(o.total),
         p(o.bonuses_used), p(o.bonuses_earned), items_to_text(o.items), o.comment, now});
    o.id = r.int64(0, 0);
    o.order_number = r.text(0, 1);
    const kopecks balance = balance_of(o.user_id);
    if (o.bonuses_used > 0) {
        db_.exec(
            "INSERT INTO bonus_operations (user_id, order_id, type, amount, balance_after, "
            "created_at) "
            "VALUES ($1, $2, 'used', $3, $4, $5)",
            {p(o.user_id), p(o.id), p(o.bonuses_used), p(balance), now});
    }
    record_outbox(o);
    auto logged = log_events(events, o, balance);
    if (claim) {
        db_.exec(
            "UPDATE idempotency_keys SET status = 201, body = $3 WHERE user_id = $1 AND key = $2",
            {p(o.user_id), claim->key, util::to_json_text(to_json(o))});
    }
    tx.commit();
    return created_order{std::move(o), balance, std::move(logged)};
}

std::optional<remembered_answer> pg_repository::remembered(std::int64_t user_id,
                                                           std::string_view key,
                                                           std::int64_t since_ms) {
    auto r = db_.exec(
        "SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2 "
        "AND created_ms >= $3 AND status != 0",
        {p(user_id), p(key), p(since_ms)});
    if (r.empty()) return std::nullopt;
    return remembered_answer{r.text(0, 0), static_cast<int>(r.int64(0, 1)), r.text(0, 2)};
}

int pg_repository::prune_idempotency(std::int64_t before_ms, int limit) {
    return static_cast<int>(
        db_.exec("DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key FROM "
                 "idempotency_keys WHERE created_ms < $1 LIMIT $2)",
                 {p(before_ms), p(static_cast<std::int64_t>(limit))})
            .affected());
}

std::optional<order> pg_repository::find_order(std::int64_t id) {
    static const std::string sql = std::string(order_select) + " WHERE id = $1";
    auto r = db_.exec(sql.c_str(), {p(id)});
    if (r.empty()) return std::nullopt;
    return read_order(r, 0);
}

std::vector<order> pg_repository::list_orders(const order_filter& f) {
    std::string sql = std::string(order_select) + " WHERE TRUE";
    std::vector<param> params;
    auto next = [&](param v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    if (f.user_id) sql += " AND user_id = " + next(p(*f.user_id));
    if (f.cities) sql += " AND city_id = ANY(" + next(id_array(*f.cities)) + "::bigint[])";
    if (f.status) sql += " AND status = " + next(p(to_string(*f.status)));
    if (f.city_id) sql += " AND city_id = " + next(p(*f.city_id));
    if (f.before_id) sql += " AND id < " + next(p(*f.before_id));
    sql += " ORDER BY id DESC LIMIT " + next(p(static_cast<std::int64_t>(f.limit)));
    auto r = db_.exec(sql.c_str(), params);
    std::vector<order> orders;
    for (int i = 0; i < r.rows(); ++i) orders.push_back(read_order(r, i));
    return orders;
}

std::optional<status_change> pg_repository::change_status(std::int64_t id, order_status from,
                                                          order_status to,
                                                          const bonus_effect& effect,
                                                          const order_events& events) {
    transaction tx(db_);
    const std::string now = util::iso8601_now();
    auto moved =
        db_.exec("UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                 {p(to_string(to)), now, p(id), p(to_string(from))});
    if (moved.affected() == 0) return std::nullopt;
    auto updated = find_order(id);
    status_change result{*updated, std::nullopt, {}};
    if (!effect.type.empty() && effect.amount > 0) {
        db_.exec("UPDATE users SET bonus_balance = bonus_balance + $1 WHERE id = $2",
                 {p(effect.amount), p(updated->user_id)});
        result.balance = balance_of(updated->user_id);
        db_.exec(
            "INSERT INTO bonus_operations (user_id, order_id, type, amount, balance_after, "
            "created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            {p(updated->user_id), p(id), p(effect.type), p(effect.amount), p(*result.balance),
             now});
    }
    record_outbox(*updated);
    result.events = log_events(events, result.updated, result.balance);
    tx.commit();
    return result;
}

std::pair<kopecks, std::vector<bonus_operation>> pg_repository::bonuses(std::int64_t user_id,
                                                                        int limit) {
    auto r = db_.exec(
        "SELECT type, amount, COALESCE(order_id, 0), balance_after, created_at FROM "
        "bonus_operations "
        "WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        {p(user_id), p(static_cast<std::int64_t>(limit))});
    std::vector<bonus_operation> ops;
    for (int i = 0; i < r.rows(); ++i) {
        ops.push_back({r.text(i, 0), r.int64(i, 1), r.int64(i, 2), r.int64(i, 3), r.text(i, 4)});
    }
    return {balance_of(user_id), std::move(ops)};
}

std::vector<outbox_record> pg_repository::due_outbox(std::int64_t now_ms, int limit,
                                                     std::string_view owner,
                                                     std::int64_t lease_ms) {
    // A lease instead of a lock held across the HTTP call: every instance's workers take
    // different rows (SKIP LOCKED), and a row whose worker died is taken again later.
    static const std::string sql =
        std::string(
            "UPDATE outbox SET lease_until_ms = $1 + $4, lease_owner = $3 WHERE id IN (SELECT "
            "o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_ms <= $1 AND "
            "o.lease_until_ms <= $1 AND NOT EXISTS (SELECT 1 FROM outbox q WHERE q.entity = "
            "o.entity AND q.entity_id = o.entity_id AND q.id < o.id AND q.status != 'sent') "
            "ORDER BY o.id LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING ") +
        outbox_columns;
    auto records = read_outbox(db_.exec(
        sql.c_str(), {p(now_ms), p(static_cast<std::int64_t>(limit)), p(owner), p(lease_ms)}));
    std::sort(records.begin(), records.end(),
              [](const outbox_record& a, const outbox_record& b) { return a.id < b.id; });
    return records;
}

bool pg_repository::outbox_sent(std::int64_t id, std::string_view owner, std::int64_t now_ms,
                                logged_event* event) {
    transaction tx(db_);
    const bool held = db_.exec(
                             "UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
                             "last_error = '', lease_until_ms = 0, sent_ms = $3, updated_at = $4 "
                             "WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
                             {p(id), p(owner), p(now_ms), util::iso8601_now()})
                          .affected() == 1;
    if (!held) return false;
    if (event) insert_event(*event);
    tx.commit();
    return true;
}

bool pg_repository::outbox_failed(std::int64_t id, std::string_view owner, int attempts,
                                  std::string_view error,
                                  std::optional<std::int64_t> next_attempt_ms,
                                  logged_event* event) {
    transaction tx(db_);
    const bool held =
        db_.exec(
               "UPDATE outbox SET status = $2, attempts = $3, last_error = $4, "
               "next_attempt_ms = $5, lease_until_ms = 0, updated_at = $6 WHERE id = $1 AND "
               "lease_owner = $7 AND status = 'pending'",
               {p(id), std::string(next_attempt_ms ? "pending" : "failed"), p(attempts), p(error),
                p(next_attempt_ms.value_or(0)), util::iso8601_now(), p(owner)})
            .affected() == 1;
    if (!held) return false;
    if (event) insert_event(*event);
    tx.commit();
    return true;
}

int pg_repository::prune_outbox(std::int64_t before_ms, int limit) {
    return static_cast<int>(
        db_.exec("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND "
                 "sent_ms < $1 ORDER BY id LIMIT $2)",
                 {p(before_ms), p(static_cast<std::int64_t>(limit))})
            .affected());
}

std::vector<outbox_record> pg_repository::failed_outbox(int limit) {
    static const std::string sql = std::string("SELECT ") + outbox_columns +
                                   " FROM outbox WHERE status = 'failed' ORDER BY id LIMIT $1";
    return read_outbox(db_.exec(sql.c_str(), {p(static_cast<std::int64_t>(limit))}));
}

int pg_repository::requeue_outbox(std::string_view entity, std::int64_t entity_id,
                                  std::int64_t now_ms) {
    auto r = db_.exec(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $3, lease_until_ms "
        "= 0, "
        "updated_at = $4 WHERE status = 'failed' AND entity = $1 AND entity_id = $2",
        {p(entity), p(entity_id), p(now_ms), util::iso8601_now()});
    return static_cast<int>(r.affected());
}

std::int64_t pg_repository::pending_outbox() {
    return db_.exec("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").int64(0, 0);
}

bool pg_repository::healthy() {
    try {
        return !db_.exec("SELECT 1").empty();
    } catch (const storage_error&) {
        return false;
    }
}

}  // namespace ordercast::storage::postgres
