#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "domain/logged_event.hpp"
#include "realtime/event.hpp"

namespace ordercast::eventlog {

// Hands this instance's sockets every logged event once, in id order, with no hole
// (docs/protocol.md §10). Local publishing and the broker both feed it; an event that arrives
// ahead of its predecessor is held back, and when the predecessor has not come within
// `hold_back` (it was lost with a Redis outage, or its publisher died after committing) the
// missing ids are read from the log. Thread-safe: events are handed on under one lock, so
// every shard sees them in the same order.
class sequencer final : public realtime::delivery {
public:
    using events = std::vector<domain::logged_event>;
    // Reads up to `limit` logged events after `after`, every room, off the caller's thread;
    // `done` gets them, or nothing when the database failed.
    using reader = std::function<void(std::int64_t after, int limit,
                                      std::function<void(std::optional<events>)> done)>;
    // Runs `f` once after `delay`, on some other thread.
    using timer = std::function<void(std::chrono::milliseconds delay, std::function<void()> f)>;

    struct stats {
        std::atomic<std::uint64_t> held_back{0};  // events that arrived ahead of a predecessor
        std::atomic<std::uint64_t> gap_fills{0};  // reads of missing ids from the log
        std::atomic<std::uint64_t> filled{0};     // events delivered from those reads
        std::atomic<std::uint64_t> skipped{0};    // ids given up on (pruned, or too far behind)
        std::atomic<std::uint64_t> stale{0};      // heads polled that the feeds had not brought
    };

    // At most this many events wait for a predecessor; past it, the wait is given up.
    static constexpr std::size_t max_held = 65536;
    static constexpr int read_batch = 1000;

    sequencer(realtime::delivery& out, reader read, timer defer,
              std::chrono::milliseconds hold_back = std::chrono::milliseconds(200));

    // Events up to `position` are history: from here on, `position + 1` is expected next.
    // Events handed in before this wait for it.
    void start(std::int64_t position);
    // Reads whatever the log holds past the position (after a broker outage: what other
    // instances published meanwhile). A read that fails is tried again after `hold_back`
    // until one succeeds.
    void catch_up();
    // The log's head, read from the database now. Events committed by the previous call
    // and still not handed on by this one were lost on their way here (a publisher died
    // with its Redis message, a Redis that froze): they are read from the log. Called every
    // second or so, it bounds how long a quiet socket can stay behind the database.
    void observe_head(std::int64_t head);
    std::int64_t position() const;
    const stats& figures() const { return stats_; }

    void deliver(std::shared_ptr<const realtime::event> e,
                 std::function<void(std::size_t)> done) override;
    void count_rooms(std::function<void(std::size_t)> done) override {
        out_.count_rooms(std::move(done));
    }
    void reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) override {
        out_.reassign_manager_cities(user_id, std::move(cities));
    }

private:
    struct pending {
        std::shared_ptr<const realtime::event> event;
        std::function<void(std::size_t)> done;
    };
    using lock_t = std::unique_lock<std::mutex>;

    // Hands on the held events that are next in line; drops those already delivered.
    void drain(lock_t& lock);
    void forward(std::shared_ptr<const realtime::event> e, std::function<void(std::size_t)> done);
    void arm(lock_t& lock);
    void on_timer();
    void fill(lock_t& lock);
    void on_filled(std::optional<events> read);

    realtime::delivery& out_;
    reader read_;
    timer defer_;
    std::chrono::milliseconds hold_back_;
    stats stats_;

    mutable std::mutex lock_;
    bool started_ = false;
    std::int64_t position_ = 0;  // the last id handed on
    std::map<std::int64_t, pending> held_;
    bool timer_armed_ = false;
    bool filling_ = false;
    bool retry_fill_ = false;     // a read failed: try again when the timer fires
    std::int64_t seen_head_ = 0;  // the head the previous observe_head saw
};

}  // namespace ordercast::eventlog
