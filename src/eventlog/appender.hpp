#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "domain/logged_event.hpp"
#include "storage/db_executor.hpp"

namespace ordercast::eventlog {

// Group commit for published events (POST /api/events): events that arrive while a commit
// is under way wait and are logged together in the next one, one transaction for the lot.
// That costs one commit per batch rather than per event, and the batch reaches the sockets
// in one burst: its completions run in one task handed to a network thread, so each socket
// gets the batch in one write rather than a write per event as each one wakes the shard.
class appender {
public:
    enum class failure : unsigned char { none, busy, unavailable };
    // `logged` has its id when `failed` is none.
    using done_fn = std::function<void(domain::logged_event logged, failure failed)>;
    // Runs a task on a network thread.
    using hand_off_fn = std::function<void(std::function<void()>)>;

    appender(storage::db_executor& db, hand_off_fn hand_off, std::size_t max_batch = 256)
        : db_(db), hand_off_(std::move(hand_off)), max_batch_(max_batch) {}

    void append(domain::logged_event e, done_fn done);

private:
    struct waiting {
        domain::logged_event event;
        done_fn done;
    };
    void start(std::unique_lock<std::mutex>& lock);

    storage::db_executor& db_;
    hand_off_fn hand_off_;
    std::size_t max_batch_;
    std::mutex lock_;
    std::deque<waiting> queue_;
    bool committing_ = false;
};

}  // namespace ordercast::eventlog
