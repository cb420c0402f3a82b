#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/repository.hpp"
#include "storage/db_executor.hpp"
#include "util/histogram.hpp"
#include "util/worker.hpp"

namespace ordercast::storage {

// The threads that talk to the database: network threads hand them jobs and never wait.
// One thread per connection (SQLite: one writer; PostgreSQL: a small pool), one shared
// queue, bounded: a job is refused at once when the queue is full, and skipped when it
// waited past its deadline, so a stuck database turns into quick 503s rather than a
// growing backlog. Health is probed in the background on a connection of its own.
// Refusals run on a thread of their own, never on the caller's stack (db_executor).
class db_worker final : public db_executor {
public:
    using factory = std::function<std::unique_ptr<domain::repository>()>;

    struct limits {
        unsigned connections = 1;
        std::size_t max_queued = 1024;
        std::chrono::milliseconds max_wait{10000};
        std::chrono::milliseconds probe_every{1000};
    };

    // Opens `limits.connections` repositories plus one for the health probe; throws
    // storage_error when the database cannot be opened.
    db_worker(const factory& open, limits l);
    // A worker on repositories already open (tests, the command line): no probe thread.
    explicit db_worker(std::unique_ptr<domain::repository> repo);
    ~db_worker() override;
    db_worker(const db_worker&) = delete;
    db_worker& operator=(const db_worker&) = delete;

    // Runs `work` on a database thread, or `refused` instead when the queue is full, the job
    // waited too long, or the worker is stopping — never on the caller's stack. A job that
    // lets storage_error escape marks the database unhealthy until a job succeeds.
    void post(job work, refusal refused) override;
    // The database answered the last probe (or, without a probe, the last job).
    bool healthy() const { return healthy_; }
    // Jobs waiting now; how long jobs waited, and ran (ordercast_db_* metrics).
    std::size_t queued() const;
    const util::histogram& wait_times() const { return wait_; }
    const util::histogram& run_times() const { return run_; }
    // Ends the query under way on every connection and refuses what is queued; returns
    // once every database thread has finished. Idempotent.
    void stop();

private:
    struct pending {
        job work;
        refusal refused;
        std::chrono::steady_clock::time_point queued;
    };
    void start(std::vector<std::unique_ptr<domain::repository>> repos);
    void run(domain::repository& repo);
    void probe();

    limits limits_;
    std::vector<std::unique_ptr<domain::repository>> repos_;
    std::unique_ptr<domain::repository> probe_repo_;
    std::atomic<bool> healthy_{true};
    util::histogram wait_{util::seconds_buckets};
    util::histogram run_{util::seconds_buckets};
    mutable std::mutex lock_;
    std::condition_variable wake_;        // the job threads
    std::condition_variable probe_wake_;  // the probe, when stopping
    std::deque<pending> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    // Declared last, so destroyed first: it finishes the refusals handed to it.
    util::worker refusals_;
};

}  // namespace ordercast::storage
