#include "eventlog/appender.hpp"

#include <memory>
#include <vector>

#include "storage/db_call.hpp"

namespace ordercast::eventlog {

void appender::append(domain::logged_event e, done_fn done) {
    std::unique_lock lock(lock_);
    queue_.push_back({std::move(e), std::move(done)});
    if (!committing_) start(lock);
}

void appender::start(std::unique_lock<std::mutex>&) {
    auto batch = std::make_shared<std::vector<waiting>>();
    while (!queue_.empty() && batch->size() < max_batch_) {
        batch->push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    committing_ = true;
    auto next = [this] {
        std::unique_lock lock(lock_);
        committing_ = false;
        if (!queue_.empty()) start(lock);
    };
    auto fail = [batch, next](failure why) {
        next();
        for (auto& w : *batch) w.done(std::move(w.event), why);
    };
    storage::run_on_db(
        db_,
        [batch](domain::repository& repo) {
            std::vector<domain::logged_event> events;
            events.reserve(batch->size());
            for (auto& w : *batch) events.push_back(std::move(w.event));  // failures need none
            return repo.append_events(std::move(events));
        },
        [this, batch, next, fail](storage::db_outcome<std::vector<domain::logged_event>> out) {
            if (!out.ok()) {
                return fail(out.failure == storage::db_failure::busy ? failure::busy
                                                                     : failure::unavailable);
            }
            // The next batch may start committing while this one is announced.
            next();
            hand_off_([batch, events = std::move(*out.value)]() mutable {
                for (std::size_t i = 0; i < events.size(); ++i)
                    (*batch)[i].done(std::move(events[i]), failure::none);
            });
        });
}

}  // namespace ordercast::eventlog
