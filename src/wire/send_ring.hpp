#pragma once

#include <sys/uio.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "realtime/frame.hpp"

namespace ordercast::wire {

// A socket's send queue: references to shared frames, oldest first, in a power-of-two ring
// that doubles when full; the head may be partly written. It owns no frame: what leaves it
// is handed to the caller (who releases it). Touched by one thread only. The first two
// slots are inside the ring itself: an idle socket (a greeting, a ping) never allocates,
// and a busy one keeps the array it grew to.
class send_ring {
public:
    send_ring() = default;
    send_ring(const send_ring&) = delete;
    send_ring& operator=(const send_ring&) = delete;
    ~send_ring() {
        if (slots_ != inline_) delete[] slots_;
    }

    bool empty() const { return count_ == 0; }
    std::uint32_t size() const { return count_; }
    // Bytes of the head already written (a frame is never interleaved with another).
    std::uint32_t head_offset() const { return head_offset_; }

    void push(realtime::out_frame* f) {
        if (count_ == capacity_) {
            const std::uint32_t bigger = std::max<std::uint32_t>(8, capacity_ * 2);
            auto* slots = new realtime::out_frame*[bigger];
            for (std::uint32_t i = 0; i < count_; ++i) slots[i] = at(i);
            if (slots_ != inline_) delete[] slots_;
            slots_ = slots;
            capacity_ = bigger;
            head_ = 0;
        }
        slots_[(head_ + count_) & mask()] = f;
        ++count_;
    }

    // Up to `max` buffers of what waits to be written, the head from where it stands; sets
    // `count` and returns their total size.
    std::size_t gather(iovec* iov, int max, int& count) const {
        std::size_t total = 0;
        count = 0;
        for (std::uint32_t i = 0; i < count_ && count < max; ++i) {
            auto* f = at(i);
            const std::size_t offset = i == 0 ? head_offset_ : 0;
            iov[count].iov_base = const_cast<char*>(f->data() + offset);
            iov[count].iov_len = f->size() - offset;
            total += iov[count].iov_len;
            ++count;
        }
        return total;
    }

    // What waits to be written, the head from where it stands, copied into `out` while
    // whole frames fit; sets `count` to the frames copied and returns their total size.
    std::size_t copy(std::span<char> out, std::uint32_t& count) const {
        std::size_t total = 0;
        count = 0;
        for (; count < count_; ++count) {
            auto* f = at(count);
            const std::size_t offset = count == 0 ? head_offset_ : 0;
            const std::size_t n = f->size() - offset;
            if (n > out.size() - total) break;
            std::memcpy(out.data() + total, f->data() + offset, n);
            total += n;
        }
        return total;
    }

    // `n` bytes went out: each frame now written whole leaves the ring, handed to `done`.
    template <typename Done>
    void written(std::size_t n, Done&& done) {
        while (n > 0 && count_ > 0) {
            auto* f = at(0);
            const std::size_t rest = f->size() - head_offset_;
            if (n < rest) {
                head_offset_ += static_cast<std::uint32_t>(n);
                return;
            }
            n -= rest;
            head_ = (head_ + 1) & mask();
            --count_;
            head_offset_ = 0;
            done(f);
        }
    }

    // Every frame leaves, handed to `done` — but the head stays when `keep_head` (it is half
    // written, or must go out before anything else).
    template <typename Done>
    void clear(bool keep_head, Done&& done) {
        const std::uint32_t keep = keep_head && count_ > 0 ? 1 : 0;
        for (std::uint32_t i = keep; i < count_; ++i) done(at(i));
        count_ = keep;
        if (!keep) head_offset_ = 0;
    }

private:
    std::uint32_t mask() const { return capacity_ - 1; }
    realtime::out_frame* at(std::uint32_t i) const { return slots_[(head_ + i) & mask()]; }

    realtime::out_frame* inline_[2] = {};
    realtime::out_frame** slots_ = inline_;
    std::uint32_t capacity_ = 2;
    std::uint32_t head_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t head_offset_ = 0;
};

}  // namespace ordercast::wire
