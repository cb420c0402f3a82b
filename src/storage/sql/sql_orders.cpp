// Orders, their idempotency keys and bonuses (docs/protocol.md §7).
#include <algorithm>

#include "storage/order_items.hpp"
#include "storage/sql/sql_repository.hpp"
#include "util/clock.hpp"

namespace ordercast::storage::sql {
using namespace ordercast::domain;

namespace {

order read_order(const rows& r, int row) {
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

}  // namespace

void sql_repository::record_bonus(std::int64_t user_id, std::int64_t order_id,
                                  std::string_view type, kopecks amount, kopecks balance_after,
                                  const std::string& at) {
    db_->exec(
        "INSERT INTO bonus_operations (user_id, order_id, type, amount, balance_after, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        {user_id, order_id, type, amount, balance_after, at});
}

std::optional<created_order> sql_repository::create_order(order o, const order_pricing& price,
                                                          const order_events& events,
                                                          const idempotency_claim* claim,
                                                          const order_document& document) {
    transaction tx(*db_);
    if (claim) {
        // An expired claim of the same key is forgotten first. A live one is taken (on
        // PostgreSQL the unique key makes a concurrent claimer wait for this transaction,
        // then find it).
        db_->exec(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_ms < $3",
            {o.user_id, claim->key, claim->now_ms - claim->ttl_ms});
        auto claimed = db_->exec(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_ms) "
            "VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
            {o.user_id, claim->key, claim->request_hash, claim->now_ms});
        if (claimed.affected() == 0) throw idempotency_key_taken();
    }
    if (price) {
        std::vector<std::int64_t> ids;
        for (const auto& line : o.items) ids.push_back(line.menu_item_id);
        // Read so that a concurrent change of these items waits until the order is priced.
        price(o, menu_where("WHERE m.id IN " + w_.id_rows(1) + " ORDER BY m.id" + w_.lock_share,
                            {id_list{ids}}));
    }
    const std::string now = util::iso8601_now();
    if (o.bonuses_used > 0) {
        // Check and debit in one statement: the balance never goes negative (a concurrent
        // spender waits for the row and then checks again).
        auto debit = db_->exec(
            "UPDATE users SET bonus_balance = bonus_balance - $1 WHERE id = $2 AND bonus_balance "
            ">= $1",
            {o.bonuses_used, o.user_id});
        if (debit.affected() == 0) return std::nullopt;
    }
    o.status = order_status::pending;
    o.created_at = o.updated_at = now;
    auto r = db_->exec(std::string("INSERT INTO orders (") + w_.order_key_columns +
                           "user_id, city_id, status, subtotal, total, bonuses_used, "
                           "bonuses_earned, items, comment, created_at, updated_at) VALUES (" +
                           w_.order_key_values +
                           "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id, "
                           "order_number",
                       {o.user_id, o.city_id, to_string(o.status), o.subtotal, o.total,
                        o.bonuses_used, o.bonuses_earned, items_to_text(o.items), o.comment, now});
    o.id = r.int64(0, 0);
    o.order_number = r.text(0, 1);
    const kopecks balance = balance_of(o.user_id);
    if (o.bonuses_used > 0) record_bonus(o.user_id, o.id, "used", o.bonuses_used, balance, now);
    const std::string text = document ? document(o) : std::string();
    record_outbox(o, text);
    auto logged = log_events(events, o, balance);
    if (claim) {
        db_->exec(
            "UPDATE idempotency_keys SET status = 201, body = $3 WHERE user_id = $1 AND key = $2",
            {o.user_id, claim->key, text});
    }
    tx.commit();
    return created_order{std::move(o), balance, std::move(logged)};
}

std::optional<remembered_answer> sql_repository::remembered(std::int64_t user_id,
                                                            std::string_view key,
                                                            std::int64_t since_ms) {
    auto r = db_->exec(
        "SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2 "
        "AND created_ms >= $3 AND status != 0",
        {user_id, key, since_ms});
    if (r.empty()) return std::nullopt;
    return remembered_answer{r.text(0, 0), static_cast<int>(r.int64(0, 1)), r.text(0, 2)};
}

int sql_repository::prune_idempotency(std::int64_t before_ms, int limit) {
    return delete_batch(
        "DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key FROM "
        "idempotency_keys WHERE created_ms < $1 LIMIT $2)",
        before_ms, limit);
}

std::optional<order> sql_repository::find_order(std::int64_t id) {
    auto r = db_->exec(std::string(order_select) + " WHERE id = $1", {id});
    if (r.empty()) return std::nullopt;
    return read_order(r, 0);
}

std::vector<order> sql_repository::list_orders(const order_filter& f) {
    std::string sql = std::string(order_select) + " WHERE 1 = 1";
    std::vector<param> params;
    const auto next = [&](param v) {
        params.push_back(v);
        return static_cast<int>(params.size());
    };
    const std::string status = f.status ? std::string(to_string(*f.status)) : std::string();
    if (f.user_id) sql += " AND user_id = $" + std::to_string(next(*f.user_id));
    if (f.cities) sql += " AND city_id IN " + w_.id_rows(next(id_list{*f.cities}));
    if (f.status) sql += " AND status = $" + std::to_string(next(status));
    if (f.city_id) sql += " AND city_id = $" + std::to_string(next(*f.city_id));
    if (f.before_id) sql += " AND id < $" + std::to_string(next(*f.before_id));
    sql += " ORDER BY id DESC LIMIT $" + std::to_string(next(f.limit));
    auto r = db_->exec(sql, params);
    std::vector<order> orders;
    for (int i = 0; i < r.size(); ++i) orders.push_back(read_order(r, i));
    return orders;
}

std::optional<status_change> sql_repository::change_status(std::int64_t id, order_status from,
                                                           order_status to,
                                                           const bonus_effect& effect,
                                                           const order_events& events,
                                                           const order_document& document) {
    transaction tx(*db_);
    const std::string now = util::iso8601_now();
    auto moved =
        db_->exec("UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                  {to_string(to), now, id, to_string(from)});
    if (moved.affected() == 0) return std::nullopt;
    auto updated = find_order(id);
    status_change result{*updated, std::nullopt, {}};
    if (!effect.type.empty() && effect.amount > 0) {
        db_->exec("UPDATE users SET bonus_balance = bonus_balance + $1 WHERE id = $2",
                  {effect.amount, updated->user_id});
        result.balance = balance_of(updated->user_id);
        record_bonus(updated->user_id, id, effect.type, effect.amount, *result.balance, now);
    }
    record_outbox(*updated, document ? document(*updated) : std::string());
    result.events = log_events(events, result.updated, result.balance);
    tx.commit();
    return result;
}

std::pair<kopecks, std::vector<bonus_operation>> sql_repository::bonuses(std::int64_t user_id,
                                                                         int limit) {
    auto r = db_->exec(
        "SELECT type, amount, COALESCE(order_id, 0), balance_after, created_at FROM "
        "bonus_operations WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        {user_id, limit});
    std::vector<bonus_operation> ops;
    for (int i = 0; i < r.size(); ++i)
        ops.push_back({r.text(i, 0), r.int64(i, 1), r.int64(i, 2), r.int64(i, 3), r.text(i, 4)});
    return {balance_of(user_id), std::move(ops)};
}

}  // namespace ordercast::storage::sql
