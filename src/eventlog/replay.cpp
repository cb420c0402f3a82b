#include "eventlog/replay.hpp"

#include <memory>
#include <vector>

#include "realtime/protocol.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::eventlog {
namespace {

using outcome = realtime::resume_answer::outcome;

// Plain decimal digits, 0 included (a client that has seen nothing yet).
std::optional<std::int64_t> parse_position(std::string_view text) {
    if (text == "0") return 0;
    return util::parse_decimal_id(text);
}

}  // namespace

realtime::resume_answer plan_replay(domain::repository& repo, const realtime::resume_request& r,
                                    int limit) {
    realtime::resume_answer answer;
    const auto since = parse_position(r.since);
    if (!since) {
        answer.result = outcome::unknown_position;
        return answer;
    }
    answer.since = *since;
    if (*since >= r.live_from) {
        // Nothing to read: the live stream holds all it misses (or, ahead of this instance,
        // it skips what the client has).
        answer.result = *since > repo.event_head() ? outcome::unknown_position : outcome::replayed;
        return answer;
    }
    auto events = repo.events_after(*since, r.rooms, limit + 1);
    std::erase_if(events, [&](const domain::logged_event& e) { return e.id > r.live_from; });
    if (events.size() > static_cast<std::size_t>(limit)) {
        answer.result = outcome::too_many;
        return answer;
    }
    // Read after the events: pruning removes the oldest first, so an oldest id at most
    // since + 1 now means nothing after `since` was gone when they were read.
    const auto oldest = repo.oldest_event_id();
    if (oldest == 0 || oldest > *since + 1) {
        answer.result = outcome::history_expired;
        return answer;
    }
    answer.result = outcome::replayed;
    answer.events.reserve(events.size());
    for (const auto& e : events)
        answer.events.push_back(realtime::logged_event_message(e.id, e.type, e.data));
    return answer;
}

void replay_service::resume(realtime::resume_request r,
                            std::function<void(realtime::resume_answer)> done) {
    std::unique_lock lock(lock_);
    queue_.push_back({std::move(r), std::move(done)});
    if (running_ < parallel_) start_job(lock);
}

void replay_service::start_job(std::unique_lock<std::mutex>&) {
    auto taken = std::make_shared<std::vector<waiting>>();
    while (!queue_.empty() && taken->size() < batch) {
        taken->push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    if (taken->empty()) return;
    ++running_;
    auto finished = [this] {
        std::unique_lock lock(lock_);
        --running_;
        if (!queue_.empty()) start_job(lock);
    };
    db_.post(
        [this, taken, finished](domain::repository& repo) {
            std::size_t served = 0;
            try {
                for (; served < taken->size(); ++served) {
                    auto& w = (*taken)[served];
                    auto answer = plan_replay(repo, w.request, limit_);
                    count(answer);
                    w.done(std::move(answer));
                }
            } catch (...) {
                for (; served < taken->size(); ++served) {
                    count({});
                    (*taken)[served].done({});
                }
                finished();
                throw;  // marks the database unhealthy
            }
            finished();
        },
        [this, taken, finished] {
            for (auto& w : *taken) {
                count({});
                w.done({});
            }
            finished();
        });
}

void replay_service::count(const realtime::resume_answer& a) {
    switch (a.result) {
        case outcome::replayed:
            stats_.served.fetch_add(1, std::memory_order_relaxed);
            stats_.events.fetch_add(a.events.size(), std::memory_order_relaxed);
            break;
        case outcome::history_expired:
            stats_.history_expired.fetch_add(1, std::memory_order_relaxed);
            break;
        case outcome::too_many:
            stats_.too_many.fetch_add(1, std::memory_order_relaxed);
            break;
        case outcome::unknown_position:
            stats_.unknown_position.fetch_add(1, std::memory_order_relaxed);
            break;
        case outcome::unavailable:
            stats_.unavailable.fetch_add(1, std::memory_order_relaxed);
            break;
    }
}

}  // namespace ordercast::eventlog
