#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "storage/db_worker.hpp"
#include "util/periodic.hpp"

namespace ordercast::storage {

// Everything the database keeps only for a while, deleted by one pruner with one policy:
// events older than the log's retention (docs/protocol.md §10), remembered idempotent
// answers older than 24 h (§7), and outbox rows delivered to Gulyash more than 24 h ago
// (§8). Batches of `batch` rows, one short transaction each, so no write lock is ever held
// for long and requests interleave with the pruning.
class pruner {
public:
    struct retention {
        std::int64_t events_s = 86400;
        std::int64_t idempotency_ms = 24LL * 3600 * 1000;
        std::int64_t outbox_ms = 24LL * 3600 * 1000;
    };

    pruner(db_worker& db, retention keep);

    static constexpr int batch = 1000;
    // How often it looks: a tenth of the event retention, between 1 s and 1 min.
    static std::chrono::milliseconds interval(std::int64_t retention_s);

    std::uint64_t events_pruned() const { return events_.load(std::memory_order_relaxed); }

private:
    void run();
    // Runs `prune` (one batch) until a batch comes back short; adds what it deleted to `count`.
    void drain(const std::function<int(domain::repository&)>& prune,
               std::atomic<std::uint64_t>* count);

    db_worker& db_;
    retention keep_;
    std::atomic<std::uint64_t> events_{0};
    util::periodic thread_;  // last: its first round may come at once
};

}  // namespace ordercast::storage
