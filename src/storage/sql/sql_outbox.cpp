// The outbox of changes for Gulyash (docs/protocol.md §8), written in the change's transaction.
#include <algorithm>

#include "storage/sql/sql_repository.hpp"
#include "util/clock.hpp"

namespace ordercast::storage::sql {
using namespace ordercast::domain;

namespace {

constexpr const char* outbox_columns =
    "id, entity, entity_id, payload, status, attempts, created_ms, last_error, updated_at";

// Oldest first (RETURNING gives no order).
std::vector<outbox_record> read_outbox(const rows& r) {
    std::vector<outbox_record> records;
    for (int i = 0; i < r.size(); ++i) {
        records.push_back({r.int64(i, 0), r.text(i, 1), r.int64(i, 2), r.text(i, 3), r.text(i, 4),
                           static_cast<int>(r.int64(i, 5)), r.int64(i, 6), r.text(i, 7),
                           r.text(i, 8)});
    }
    std::sort(records.begin(), records.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return records;
}

}  // namespace

void sql_repository::mark_sync_on() {
    db_->exec(
        "INSERT INTO settings (key, value) VALUES ('gulyash_sync', 'on') ON CONFLICT DO NOTHING");
}

void sql_repository::record_outbox(const order& o, const std::string& document) {
    // Recorded whenever any instance syncs, so that an instance started without GULYASH_URL
    // beside one with it loses nothing of its orders' changes.
    if (!record_outbox_ && db_->exec("SELECT 1 FROM settings WHERE key = 'gulyash_sync'").empty())
        return;
    db_->exec(
        "INSERT INTO outbox (entity, entity_id, payload, next_attempt_ms, created_ms, updated_at) "
        "VALUES ('order', $1, $2, $3, $3, $4)",
        {o.id, document, util::unix_millis(), util::iso8601_now()});
}

std::vector<outbox_record> sql_repository::due_outbox(std::int64_t now_ms, int limit,
                                                      std::string_view owner,
                                                      std::int64_t lease_ms) {
    // A lease instead of a lock held across the HTTP call: every instance's workers take
    // different rows, and a row whose worker died is taken again later. A change waits
    // while an earlier one of the same order is undelivered (pending, leased or given up):
    // Gulyash must never see a status before the order's creation.
    return read_outbox(db_->exec(
        std::string("UPDATE outbox SET lease_until_ms = $1 + $4, lease_owner = $3 WHERE id IN "
                    "(SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_ms "
                    "<= $1 AND o.lease_until_ms <= $1 AND NOT EXISTS (SELECT 1 FROM outbox q "
                    "WHERE q.entity = o.entity AND q.entity_id = o.entity_id AND q.id < o.id AND "
                    "q.status != 'sent') ORDER BY o.id LIMIT $2") +
            w_.lock_skip + ") RETURNING " + outbox_columns,
        {now_ms, limit, owner, lease_ms}));
}

bool sql_repository::outbox_sent(std::int64_t id, std::string_view owner, std::int64_t now_ms,
                                 logged_event* event) {
    transaction tx(*db_);
    const bool held = db_->exec(
                             "UPDATE outbox SET status = 'sent', attempts = attempts + 1, "
                             "last_error = '', lease_until_ms = 0, sent_ms = $3, updated_at = $4 "
                             "WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
                             {id, owner, now_ms, util::iso8601_now()})
                          .affected() == 1;
    if (!held) return false;
    if (event) insert_event(*event);
    tx.commit();
    return true;
}

bool sql_repository::outbox_failed(std::int64_t id, std::string_view owner, int attempts,
                                   std::string_view error,
                                   std::optional<std::int64_t> next_attempt_ms,
                                   logged_event* event) {
    transaction tx(*db_);
    const bool held =
        db_->exec(
               "UPDATE outbox SET status = $2, attempts = $3, last_error = $4, "
               "next_attempt_ms = $5, lease_until_ms = 0, updated_at = $6 WHERE id = $1 AND "
               "lease_owner = $7 AND status = 'pending'",
               {id, next_attempt_ms ? "pending" : "failed", attempts, error,
                next_attempt_ms.value_or(0), util::iso8601_now(), owner})
            .affected() == 1;
    if (!held) return false;
    if (event) insert_event(*event);
    tx.commit();
    return true;
}

void sql_repository::release_stale_outbox_leases() {
    // SQLite has one server per file, so every lease there is a dead process's; on
    // PostgreSQL other instances may be alive, and a dead one's leases simply run out.
    if (db_->kind() != dialect::sqlite) return;
    db_->exec("UPDATE outbox SET lease_until_ms = 0, lease_owner = '' WHERE lease_until_ms > 0");
}

int sql_repository::prune_outbox(std::int64_t before_ms, int limit) {
    return delete_batch(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND "
        "sent_ms < $1 ORDER BY id LIMIT $2)",
        before_ms, limit);
}

std::vector<outbox_record> sql_repository::failed_outbox(int limit) {
    return read_outbox(db_->exec(std::string("SELECT ") + outbox_columns +
                                     " FROM outbox WHERE status = 'failed' ORDER BY id LIMIT $1",
                                 {limit}));
}

int sql_repository::requeue_outbox(std::string_view entity, std::int64_t entity_id,
                                   std::int64_t now_ms) {
    return static_cast<int>(
        db_->exec("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_ms = $3, "
                  "lease_until_ms = 0, updated_at = $4 WHERE status = 'failed' AND entity = $1 "
                  "AND entity_id = $2",
                  {entity, entity_id, now_ms, util::iso8601_now()})
            .affected());
}

std::int64_t sql_repository::pending_outbox() {
    return db_->exec("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").int64(0, 0);
}

}  // namespace ordercast::storage::sql
