#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace ordercast::util {

// What an item filed in a timer_wheel carries: its links in the slot's list and the tick it
// is filed at. An item is in at most one wheel, and in it from schedule() to remove().
class wheel_hook {
public:
    wheel_hook() = default;
    wheel_hook(const wheel_hook&) = delete;
    wheel_hook& operator=(const wheel_hook&) = delete;
    bool filed() const { return next_ != nullptr; }

private:
    template <typename T>
    friend class timer_wheel;
    wheel_hook* prev_ = nullptr;
    wheel_hook* next_ = nullptr;
    std::uint32_t tick_ = 0;  // wraps; compared by difference within the wheel's horizon
};

// Deadlines of many items, each filed at the tick of its next deadline (a hashed timing
// wheel): advancing the clock visits only the items whose tick has come, so an item costs
// nothing between its own deadlines. A deadline further than the wheel's horizon is filed
// at the horizon and handed out then, early: the owner checks its real deadlines and files
// it again. Items are deadlines rounded up to a tick, never handed out before them.
// T derives from wheel_hook. One thread.
template <typename T>
class timer_wheel {
public:
    // Ticks of `tick_ms`; the horizon covers at least `horizon_ms`.
    timer_wheel(std::int64_t now_ms, std::int64_t tick_ms, std::int64_t horizon_ms)
        : tick_ms_(tick_ms),
          slots_(std::bit_ceil(static_cast<std::uint32_t>(
              std::clamp<std::int64_t>(horizon_ms / tick_ms + 2, 64, 1 << 16)))),
          heads_(std::make_unique<wheel_hook[]>(slots_)),
          now_tick_(now_ms / tick_ms_) {
        assert(now_ms >= 0 && tick_ms > 0);
        for (std::uint32_t i = 0; i < slots_; ++i) heads_[i].prev_ = heads_[i].next_ = &heads_[i];
    }
    timer_wheel(const timer_wheel&) = delete;
    timer_wheel& operator=(const timer_wheel&) = delete;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::int64_t tick_ms() const { return tick_ms_; }

    // Files `item` (moving it if filed) to be handed out at the first tick at or after
    // `due_ms`, and not before the next tick.
    void schedule(T& item, std::int64_t due_ms) { file(item, clamp_tick(due_ms)); }
    // Files `item` earlier if `due_ms` comes before the tick it is filed at.
    void bring_forward(T& item, std::int64_t due_ms) {
        const wheel_hook& h = item;
        const std::int64_t tick = clamp_tick(due_ms);
        if (h.filed() && static_cast<std::int32_t>(h.tick_ - static_cast<std::uint32_t>(tick)) <= 0)
            return;
        file(item, tick);
    }
    void remove(T& item) {
        wheel_hook& h = item;
        if (h.filed()) unlink(h);
    }

    // Hands every item filed at a tick up to `now_ms`'s to `due(T&)`, unfiled: `due` files
    // it again (or not, if it leaves the wheel). Ticks missed while the loop was busy are
    // caught up, each slot visited at most once.
    template <typename Due>
    void advance(std::int64_t now_ms, Due&& due) {
        const std::int64_t target = now_ms / tick_ms_;  // ticks begun: none handed out early
        const std::int64_t first = std::max(now_tick_ + 1, target - slots_ + 1);
        for (std::int64_t tick = first; tick <= target; ++tick) {
            now_tick_ = tick;
            wheel_hook& head = heads_[slot_of(tick)];
            // Moved out first: what `due` files again goes to later slots, never this one.
            wheel_hook batch;
            if (head.next_ == &head) continue;
            batch.next_ = head.next_;
            batch.prev_ = head.prev_;
            batch.next_->prev_ = &batch;
            batch.prev_->next_ = &batch;
            head.next_ = head.prev_ = &head;
            while (batch.next_ != &batch) {
                wheel_hook& h = *batch.next_;
                unlink(h);
                due(static_cast<T&>(h));
            }
        }
        now_tick_ = std::max(now_tick_, target);
    }

    // Every item filed, in no particular order. `f` may not file or remove items.
    template <typename F>
    void for_each(F&& f) const {
        for (std::uint32_t i = 0; i < slots_; ++i) {
            for (wheel_hook* h = heads_[i].next_; h != &heads_[i]; h = h->next_)
                f(static_cast<T&>(*h));
        }
    }
    // Every item filed, copied out: the caller may file and remove while going through them.
    std::vector<T*> items() const {
        std::vector<T*> all;
        all.reserve(size_);
        for_each([&](T& item) { all.push_back(&item); });
        return all;
    }

private:
    // The first tick at or after `ms` (times are the steady clock's, never negative).
    std::int64_t tick_of(std::int64_t ms) const {
        return (std::max<std::int64_t>(ms, 0) + tick_ms_ - 1) / tick_ms_;
    }
    std::uint32_t slot_of(std::int64_t tick) const {
        return static_cast<std::uint32_t>(tick) & (slots_ - 1);
    }
    std::int64_t clamp_tick(std::int64_t due_ms) const {
        const std::int64_t latest = now_tick_ + slots_ - 1;
        if (due_ms >= latest * tick_ms_) return latest;
        return std::max(tick_of(due_ms), now_tick_ + 1);
    }
    void file(wheel_hook& h, std::int64_t tick) {
        if (h.filed()) unlink(h);
        link(h, tick);
    }
    void link(wheel_hook& h, std::int64_t tick) {
        wheel_hook& head = heads_[slot_of(tick)];
        h.tick_ = static_cast<std::uint32_t>(tick);
        h.prev_ = head.prev_;
        h.next_ = &head;
        head.prev_->next_ = &h;
        head.prev_ = &h;
        ++size_;
    }
    void unlink(wheel_hook& h) {
        h.prev_->next_ = h.next_;
        h.next_->prev_ = h.prev_;
        h.prev_ = h.next_ = nullptr;
        --size_;
    }

    std::int64_t tick_ms_;
    std::uint32_t slots_;
    std::unique_ptr<wheel_hook[]> heads_;
    std::int64_t now_tick_;
    std::size_t size_ = 0;
};

}  // namespace ordercast::util
