#include "eventlog/replay.hpp"

#include <memory>
#include <vector>

#include "realtime/protocol.hpp"
#include "storage/db_call.hpp"
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

namespace {

// The next page after `from` up to `up_to`: at most replay_page_events events, about
// `page_bytes` (one event at least), and whether more remain.
void read_page(domain::repository& repo, const realtime::resume_request& r, std::int64_t from,
               std::int64_t up_to, realtime::resume_answer& answer) {
    auto events = repo.events_after(from, r.rooms, realtime::replay_page_events + 1);
    std::erase_if(events, [&](const domain::logged_event& e) { return e.id > up_to; });
    std::size_t bytes = 0;
    std::size_t taken = 0;
    for (; taken < events.size() && taken < static_cast<std::size_t>(realtime::replay_page_events);
         ++taken) {
        if (taken > 0 && bytes + events[taken].data.size() > r.page_bytes) break;
        bytes += events[taken].data.size();
        answer.events.push_back(realtime::logged_event_message(events[taken].id, events[taken].type,
                                                               events[taken].data));
        answer.last_id = events[taken].id;
    }
    answer.more = taken < events.size();
}

// Pruning removes the oldest first: an oldest id at most `from` + 1 means nothing after
// `from` is gone.
bool history_lost(domain::repository& repo, std::int64_t from) {
    const auto oldest = repo.oldest_event_id();
    return oldest == 0 || oldest > from + 1;
}

}  // namespace

realtime::resume_answer plan_replay(domain::repository& repo, const realtime::resume_request& r,
                                    int limit) {
    realtime::resume_answer answer;
    if (r.up_to > 0) {
        // A later page of a replay under way.
        answer.since = r.from;
        answer.head = r.up_to;
        read_page(repo, r, r.from, r.up_to, answer);
        answer.result = history_lost(repo, r.from) ? outcome::history_expired : outcome::replayed;
        if (answer.result != outcome::replayed) answer.events.clear();
        return answer;
    }
    // From the database, not from what this instance has seen: an instance whose live
    // stream lags (a Redis outage, a failed catch-up) still serves the whole log.
    answer.head = repo.event_head();
    const auto since = parse_position(r.since);
    if (!since || *since > answer.head) {
        answer.result = outcome::unknown_position;
        return answer;
    }
    answer.since = *since;
    if (*since == answer.head) {
        answer.result = outcome::replayed;
        return answer;
    }
    // Counted, not read: REPLAY_LIMIT events of 64 KiB each never sit in memory at once.
    if (repo.count_events_after(*since, answer.head, r.rooms, limit + 1) > limit) {
        answer.result = outcome::too_many;
        return answer;
    }
    read_page(repo, r, *since, answer.head, answer);
    // Read after the events: pruning removes the oldest first.
    if (history_lost(repo, *since)) {
        answer.events.clear();
        answer.result = outcome::history_expired;
        return answer;
    }
    answer.result = outcome::replayed;
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
    // Every answer is read before any is handed out: a failure part way gives all of them
    // `unavailable` (the client retries), never some answers twice.
    storage::run_on_db(
        db_,
        [this, taken](domain::repository& repo) {
            std::vector<realtime::resume_answer> answers;
            answers.reserve(taken->size());
            for (auto& w : *taken) answers.push_back(plan_replay(repo, w.request, limit_));
            return answers;
        },
        [this, taken](storage::db_outcome<std::vector<realtime::resume_answer>> out) {
            for (std::size_t i = 0; i < taken->size(); ++i) {
                auto answer = out.ok() ? std::move((*out.value)[i]) : realtime::resume_answer{};
                count(answer, (*taken)[i].request.up_to == 0);
                (*taken)[i].done(std::move(answer));
            }
            std::unique_lock lock(lock_);
            --running_;
            if (!queue_.empty()) start_job(lock);
        });
}

void replay_service::count(const realtime::resume_answer& a, bool first_page) {
    switch (a.result) {
        case outcome::replayed:
            if (first_page) stats_.served.fetch_add(1, std::memory_order_relaxed);
            stats_.events.fetch_add(a.events.size(), std::memory_order_relaxed);
            stats_.page_events.observe(static_cast<double>(a.events.size()));
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
