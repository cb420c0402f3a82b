#pragma once

#include <deque>
#include <functional>
#include <mutex>

#include "storage/db_executor.hpp"

namespace ordercast::testing {

// A db_executor the test steps by hand: `post` only queues (so a callback that ran during
// `post` is caught by the test), `run_queued` then runs the jobs on the repository it is
// given, or their refusals while `refusing` is set (a full queue, or a worker stopping).
class fake_db_executor final : public storage::db_executor {
public:
    bool refusing = false;

    void post(job work, refusal refused) override {
        std::lock_guard guard(lock_);
        queued_.push_back({std::move(work), std::move(refused), refusing});
        ++posted_;
    }

    // Runs what was queued, including what those callbacks queue; returns how many ran.
    int run_queued(domain::repository& repo) {
        int n = 0;
        for (;;) {
            entry next;
            {
                std::lock_guard guard(lock_);
                if (queued_.empty()) return n;
                next = std::move(queued_.front());
                queued_.pop_front();
            }
            ++n;
            if (next.refuse) {
                if (next.refused) next.refused();
                continue;
            }
            try {
                next.work(repo);
            } catch (...) {
                // What db_worker does with a job's exception: the test reads the outcome.
                ++escaped_;
            }
        }
    }

    int posted() const { return posted_; }
    int escaped() const { return escaped_; }

private:
    struct entry {
        job work;
        refusal refused;
        bool refuse = false;
    };
    std::mutex lock_;
    std::deque<entry> queued_;
    int posted_ = 0;
    int escaped_ = 0;
};

}  // namespace ordercast::testing
