#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ordercast::bench {

// Every sample kept (microseconds); percentiles by sorting once at the end.
class latency {
public:
    void add(std::uint64_t us) {
        samples_.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(us, UINT32_MAX)));
    }
    std::size_t count() const { return samples_.size(); }
    void finish() { std::sort(samples_.begin(), samples_.end()); }
    double percentile_ms(double p) const {
        if (samples_.empty()) return 0;
        auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples_.size() - 1));
        return samples_[i] / 1000.0;
    }
    double max_ms() const { return samples_.empty() ? 0 : samples_.back() / 1000.0; }

private:
    std::vector<std::uint32_t> samples_;
};

}  // namespace ordercast::bench
