#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "domain/repository.hpp"
#include "realtime/resume.hpp"
#include "storage/db_executor.hpp"
#include "util/histogram.hpp"

namespace ordercast::eventlog {

// What a resume from `r.since` gets (docs/protocol.md §10): its first page of the logged events
// for its rooms with since < id <= the log's head, or a resync reason (more than `limit`
// events is too-many, counted without reading them). With `r.up_to` set, the next page of a
// replay under way.
realtime::resume_answer plan_replay(domain::repository& repo, const realtime::resume_request& r,
                                    int limit);

struct replay_stats {
    std::atomic<std::uint64_t> served{0};
    std::atomic<std::uint64_t> history_expired{0};
    std::atomic<std::uint64_t> too_many{0};
    std::atomic<std::uint64_t> unknown_position{0};
    std::atomic<std::uint64_t> unavailable{0};
    std::atomic<std::uint64_t> events{0};  // events replayed
    util::histogram page_events{util::count_buckets};
};

// Serves resumes from the log on the database threads. A reconnect storm must not crowd
// out orders: resumes wait in a queue of their own and take at most `parallel` database
// jobs at a time, each serving a batch of them.
class replay_service final : public realtime::resumer {
public:
    replay_service(storage::db_executor& db, int limit, unsigned parallel, replay_stats& stats)
        : db_(db), limit_(limit), parallel_(parallel), stats_(stats) {}

    void resume(realtime::resume_request r,
                std::function<void(realtime::resume_answer)> done) override;

    static constexpr std::size_t batch = 64;

private:
    struct waiting {
        realtime::resume_request request;
        std::function<void(realtime::resume_answer)> done;
    };
    void start_job(std::unique_lock<std::mutex>& lock);
    void count(const realtime::resume_answer& a, bool first_page);

    storage::db_executor& db_;
    int limit_;
    unsigned parallel_;
    replay_stats& stats_;
    std::mutex lock_;
    std::deque<waiting> queue_;
    unsigned running_ = 0;
};

}  // namespace ordercast::eventlog
