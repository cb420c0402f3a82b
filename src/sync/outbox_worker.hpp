#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/event_sink.hpp"
#include "storage/db_worker.hpp"
#include "sync/gulyash_client.hpp"

namespace ordercast::sync {

struct sync_settings {
    std::string url;
    std::string api_key;
    long timeout_ms = 5000;
    int max_attempts = 10;
    // Deliveries under way at once, each for a different order (one hanging request must
    // not stall the others); an order's changes always go one after another.
    int parallel = 4;
};

// Figures for /metrics, updated by the worker.
struct sync_stats {
    std::atomic<std::int64_t> pending{0};
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> failed{0};          // given up after the last attempt
    std::atomic<std::uint64_t> retries{0};         // failed attempts that will be retried
    std::atomic<std::uint64_t> latency_ms_sum{0};  // change committed -> Gulyash said yes
    std::atomic<std::uint64_t> latency_count{0};
};

// Appends the figures to a /metrics page.
void render(const sync_stats& stats, std::string& out);

// Delivers the outbox to Gulyash on threads of its own (`parallel` of them): each leases
// one due record at a time from the database, posts it, records the outcome only while it
// still holds the lease, and tells admins (sync-success / sync-error). A change is retried
// with backoff from 1 s doubling to 5 min; after `max_attempts` it waits for an admin.
class outbox_worker {
public:
    outbox_worker(sync_settings settings, storage::db_worker& db, domain::event_sink& events,
                  sync_stats& stats);
    ~outbox_worker();
    outbox_worker(const outbox_worker&) = delete;
    outbox_worker& operator=(const outbox_worker&) = delete;

    // Something new may be due: look now instead of at the next poll.
    void wake();

    static std::chrono::milliseconds backoff(int failed_attempts);

    // How long a record stays leased to the worker that took it: well past one delivery.
    std::int64_t lease_ms() const;

private:
    void run(gulyash_client& client);
    bool deliver_one(gulyash_client& client);
    // The log entry a sync outcome is written as (one per outcome).
    domain::logged_event one_entry(const domain::domain_event& e) const;

    sync_settings settings_;
    storage::db_worker& db_;
    domain::event_sink& events_;
    sync_stats& stats_;
    std::string owner_;  // this instance's name on the leases it takes
    std::mutex lock_;
    std::condition_variable wake_;
    std::uint64_t wakes_ = 0;  // bumped by wake(): a worker that saw it change looks again
    bool stopping_ = false;
    std::vector<std::unique_ptr<gulyash_client>> clients_;
    std::vector<std::thread> threads_;
};

}  // namespace ordercast::sync
