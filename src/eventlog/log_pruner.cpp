#include "eventlog/log_pruner.hpp"

#include <algorithm>

#include "storage/on_db.hpp"
#include "util/clock.hpp"

namespace ordercast::eventlog {

std::chrono::milliseconds log_pruner::interval(std::int64_t retention_s) {
    return std::clamp<std::chrono::milliseconds>(std::chrono::milliseconds(retention_s * 100),
                                                 std::chrono::seconds(1), std::chrono::minutes(1));
}

log_pruner::log_pruner(storage::db_worker& db, std::int64_t retention_s)
    : db_(db),
      retention_ms_(retention_s * 1000),
      thread_("event log pruner", interval(retention_s), [this] { run(); }) {}

void log_pruner::run() {
    const auto now = util::unix_millis();
    drain([before = now - retention_ms_](
              domain::repository& repo) { return repo.prune_events(before, batch); },
          &pruned_);
    drain([before = now - domain::idempotency_ttl_ms](
              domain::repository& repo) { return repo.prune_idempotency(before, batch); },
          nullptr);
}

void log_pruner::drain(const std::function<int(domain::repository&)>& prune,
                       std::atomic<std::uint64_t>* count) {
    for (;;) {
        auto n = storage::on_db(db_, prune);
        if (!n) return;  // the database is away or busy: next round
        if (count) count->fetch_add(static_cast<std::uint64_t>(*n), std::memory_order_relaxed);
        if (*n < batch || thread_.stopping()) return;
    }
}

}  // namespace ordercast::eventlog
