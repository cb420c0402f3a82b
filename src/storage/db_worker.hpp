#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "domain/repository.hpp"
#include "util/worker.hpp"

namespace ordercast::storage {

// The one thread that talks to the database: network threads hand it jobs and never
// wait for it. Jobs run in order; a job's result goes back through what it captured.
class db_worker {
public:
    explicit db_worker(std::unique_ptr<domain::repository> repo) : repo_(std::move(repo)) {}

    // A job that lets storage_error escape marks the database unhealthy until a job succeeds.
    void post(std::function<void(domain::repository&)> job);
    bool healthy() const { return healthy_; }

private:
    std::unique_ptr<domain::repository> repo_;
    std::atomic<bool> healthy_{true};
    util::worker worker_;  // last: stops (finishing its jobs) before the repository goes
};

}  // namespace ordercast::storage
