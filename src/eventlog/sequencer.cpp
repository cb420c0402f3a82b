#include "eventlog/sequencer.hpp"

#include <spdlog/spdlog.h>

#include "eventlog/event_entries.hpp"

namespace ordercast::eventlog {

sequencer::sequencer(realtime::delivery& out, reader read, timer defer,
                     std::chrono::milliseconds hold_back)
    : out_(out), read_(std::move(read)), defer_(std::move(defer)), hold_back_(hold_back) {}

void sequencer::start(std::int64_t position) {
    lock_t lock(lock_);
    started_ = true;
    position_ = position;
    drain(lock);
    if (!held_.empty()) arm(lock);
}

std::int64_t sequencer::position() const {
    std::lock_guard guard(lock_);
    return position_;
}

void sequencer::deliver(std::shared_ptr<const realtime::event> e,
                        std::function<void(std::size_t)> done) {
    lock_t lock(lock_);
    if (started_ && e->id <= position_) {
        // Already handed on (its twin came through the log or the other feed first).
        lock.unlock();
        if (done) done(0);
        return;
    }
    if (started_ && e->id == position_ + 1) {
        forward(std::move(e), std::move(done));
        drain(lock);
        return;
    }
    const auto id = e->id;
    if (held_.contains(id)) {
        lock.unlock();
        if (done) done(0);
        return;
    }
    held_.emplace(id, pending{std::move(e), std::move(done)});
    stats_.held_back.fetch_add(1, std::memory_order_relaxed);
    if (started_ && held_.size() > max_held) {
        // Waiting any longer would grow without bound: what is missing stays in the log for
        // clients that resume.
        const auto first = held_.begin()->first;
        spdlog::warn("events {}..{} did not arrive; delivering from {} on", position_ + 1,
                     first - 1, first);
        stats_.skipped.fetch_add(static_cast<std::uint64_t>(first - 1 - position_),
                                 std::memory_order_relaxed);
        position_ = first - 1;
        drain(lock);
        return;
    }
    if (started_) arm(lock);
}

void sequencer::forward(std::shared_ptr<const realtime::event> e,
                        std::function<void(std::size_t)> done) {
    position_ = e->id;
    // Under the lock: every shard receives the events in the order they are handed on.
    out_.deliver(std::move(e), std::move(done));
}

void sequencer::drain(lock_t&) {
    while (!held_.empty() && held_.begin()->first <= position_ + 1) {
        auto node = held_.extract(held_.begin());
        if (node.key() == position_ + 1) {
            forward(std::move(node.mapped().event), std::move(node.mapped().done));
        } else if (node.mapped().done) {
            node.mapped().done(0);
        }
    }
}

void sequencer::arm(lock_t&) {
    if (timer_armed_ || filling_) return;
    timer_armed_ = true;
    defer_(hold_back_, [this] { on_timer(); });
}

void sequencer::on_timer() {
    lock_t lock(lock_);
    timer_armed_ = false;
    if (!held_.empty() || retry_fill_) fill(lock);
}

void sequencer::catch_up() {
    lock_t lock(lock_);
    if (started_) fill(lock);
}

void sequencer::observe_head(std::int64_t head) {
    lock_t lock(lock_);
    const bool stale = started_ && seen_head_ > position_;
    seen_head_ = std::max(seen_head_, head);
    if (!stale) return;
    stats_.stale.fetch_add(1, std::memory_order_relaxed);
    fill(lock);
}

void sequencer::fill(lock_t& lock) {
    if (filling_) return;
    filling_ = true;
    stats_.gap_fills.fetch_add(1, std::memory_order_relaxed);
    const auto from = position_;
    lock.unlock();
    read_(from, read_batch, [this](std::optional<events> read) { on_filled(std::move(read)); });
    lock.lock();
}

void sequencer::on_filled(std::optional<events> read) {
    lock_t lock(lock_);
    filling_ = false;
    if (!read) {
        // The database failed: try again after the same wait, until a read succeeds.
        retry_fill_ = true;
        arm(lock);
        return;
    }
    retry_fill_ = false;
    for (auto& logged : *read) {
        if (logged.id <= position_) continue;
        if (logged.id > position_ + 1) {
            // The ids between are gone from the log (pruned): nothing can fill them now.
            stats_.skipped.fetch_add(static_cast<std::uint64_t>(logged.id - 1 - position_),
                                     std::memory_order_relaxed);
            position_ = logged.id - 1;
            drain(lock);
            if (logged.id <= position_) continue;
        }
        std::function<void(std::size_t)> done;
        if (auto it = held_.find(logged.id); it != held_.end()) {
            done = std::move(it->second.done);
            held_.erase(it);
        }
        stats_.filled.fetch_add(1, std::memory_order_relaxed);
        forward(std::make_shared<const realtime::event>(to_realtime(logged)), std::move(done));
        drain(lock);
    }
    if (read->size() == static_cast<std::size_t>(read_batch)) {
        fill(lock);  // more behind these
    } else if (!held_.empty()) {
        arm(lock);
    }
}

}  // namespace ordercast::eventlog
