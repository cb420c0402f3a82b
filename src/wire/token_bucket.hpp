#pragma once

#include <algorithm>
#include <cstdint>

namespace ordercast::wire {

// A socket's message rate (docs/protocol.md §5): up to `rate` tokens, refilled at `rate` per
// second; each frame takes one.
class token_bucket {
public:
    // Full: a new socket gets its whole burst.
    void fill(double rate, std::int64_t now_us) {
        tokens_ = rate;
        refilled_us_ = now_us;
    }
    // One token, if there is one.
    bool take(double rate, std::int64_t now_us) {
        tokens_ = std::min(rate, tokens_ + static_cast<double>(now_us - refilled_us_) * rate / 1e6);
        refilled_us_ = now_us;
        if (tokens_ < 1) return false;
        tokens_ -= 1;
        return true;
    }

private:
    double tokens_ = 0;
    std::int64_t refilled_us_ = 0;
};

}  // namespace ordercast::wire
