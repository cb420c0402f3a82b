#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "storage/db_worker.hpp"
#include "util/periodic.hpp"

namespace ordercast::eventlog {

// Deletes events older than the retention from the log, and remembered idempotent answers
// older than 24 h, in the background: batches of `batch` rows, one short transaction each,
// so no write lock is ever held for long and orders interleave with the pruning.
class log_pruner {
public:
    log_pruner(storage::db_worker& db, std::int64_t retention_s);

    static constexpr int batch = 1000;
    // How often it looks: a tenth of the retention, between 1 s and 1 min.
    static std::chrono::milliseconds interval(std::int64_t retention_s);

    std::uint64_t pruned() const { return pruned_.load(std::memory_order_relaxed); }

private:
    void run();
    // Runs `prune` (one batch) until a batch comes back short; adds what it deleted to `count`.
    void drain(const std::function<int(domain::repository&)>& prune,
               std::atomic<std::uint64_t>* count);

    storage::db_worker& db_;
    std::int64_t retention_ms_;
    std::atomic<std::uint64_t> pruned_{0};
    util::periodic thread_;  // last: its first round may come at once
};

}  // namespace ordercast::eventlog
