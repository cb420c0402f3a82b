#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ordercast::util {

// Upper bounds of histogram buckets. Seconds: from half a millisecond to ten seconds.
inline constexpr std::array<double, 14> seconds_buckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
// Counts of things (events in a replay page, jobs waiting).
inline constexpr std::array<double, 10> count_buckets = {0,   1,   5,    10,   50,
                                                         100, 500, 1000, 5000, 10000};

// A Prometheus-style histogram that any thread may observe into without a lock: one
// counter per bucket (not cumulative; the renderer adds them up), the sum and the count.
class histogram {
public:
    template <std::size_t N>
    explicit histogram(const std::array<double, N>& bounds) : bounds_(bounds) {
        static_assert(N + 1 <= max_buckets, "more buckets than a histogram holds");
    }
    histogram(const histogram&) = delete;
    histogram& operator=(const histogram&) = delete;

    void observe(double value) {
        std::size_t i = 0;
        while (i < bounds_.size() && value > bounds_[i]) ++i;
        counts_[i].fetch_add(1, std::memory_order_relaxed);
        sum_.fetch_add(value, std::memory_order_relaxed);
    }
    void observe_us(std::int64_t micros) { observe(static_cast<double>(micros) / 1e6); }

    std::span<const double> bounds() const { return bounds_; }
    // Observations in bucket `i` alone (i == bounds().size(): above the last bound).
    std::uint64_t in_bucket(std::size_t i) const {
        return counts_[i].load(std::memory_order_relaxed);
    }
    double sum() const { return sum_.load(std::memory_order_relaxed); }
    std::uint64_t count() const {
        std::uint64_t n = 0;
        for (std::size_t i = 0; i <= bounds_.size(); ++i) n += in_bucket(i);
        return n;
    }

    static constexpr std::size_t max_buckets = 16;

private:
    std::span<const double> bounds_;
    std::array<std::atomic<std::uint64_t>, max_buckets> counts_{};
    std::atomic<double> sum_{0};
};

}  // namespace ordercast::util
