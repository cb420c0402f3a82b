#include "storage/pruner.hpp"

#include <algorithm>

#include "storage/on_db.hpp"
#include "util/clock.hpp"

namespace ordercast::storage {

std::chrono::milliseconds pruner::interval(std::int64_t retention_s) {
    return std::clamp<std::chrono::milliseconds>(std::chrono::milliseconds(retention_s * 100),
                                                 std::chrono::seconds(1), std::chrono::minutes(1));
}

pruner::pruner(db_worker& db, retention keep)
    : db_(db), keep_(keep), thread_("pruner", interval(keep.events_s), [this] { run(); }) {}

void pruner::run() {
    const auto now = util::unix_millis();
    drain([before = now - keep_.events_s * 1000](
              domain::repository& repo) { return repo.prune_events(before, batch); },
          &events_);
    drain([before = now - keep_.idempotency_ms](
              domain::repository& repo) { return repo.prune_idempotency(before, batch); },
          nullptr);
    drain([before = now - keep_.outbox_ms](
              domain::repository& repo) { return repo.prune_outbox(before, batch); },
          nullptr);
}

void pruner::drain(const std::function<int(domain::repository&)>& prune,
                   std::atomic<std::uint64_t>* count) {
    for (;;) {
        auto n = on_db(db_, prune);
        if (!n) return;  // the database is away or busy: next round
        if (count) count->fetch_add(static_cast<std::uint64_t>(*n), std::memory_order_relaxed);
        if (*n < batch || thread_.stopping()) return;
    }
}

}  // namespace ordercast::storage
