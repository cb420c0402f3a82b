#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ordercast::api {

// At most `limit` events per key in any sliding window (orders per customer, failed logins
// per login and per address). Thread-safe; keys idle for a whole window are forgotten, so
// memory stays bounded by the keys active in the last window.
class rate_window {
public:
    rate_window(std::uint32_t limit, std::int64_t window_ms)
        : limit_(limit), window_ms_(window_ms) {}

    // Records an event for `key` when it is within the limit and returns 0; otherwise
    // records nothing and returns the whole seconds until one more would be allowed.
    std::int64_t take(const std::string& key, std::int64_t now_ms);
    // Takes back the newest event of `key` (an attempt that turned out fine).
    void give_back(const std::string& key);

private:
    void prune(std::int64_t now_ms);

    std::uint32_t limit_;
    std::int64_t window_ms_;
    std::mutex lock_;
    std::unordered_map<std::string, std::deque<std::int64_t>> events_;
    std::int64_t next_prune_ms_ = 0;
};

// At most `limit` things under way per key at once (password checks per login and per
// address, so that one sender cannot fill the hashing queue). Thread-safe.
class concurrency_gate {
public:
    explicit concurrency_gate(std::uint32_t limit) : limit_(limit) {}

    // True, and counted, when `key` has fewer than `limit` under way.
    bool enter(const std::string& key);
    void leave(const std::string& key);

private:
    std::uint32_t limit_;
    std::mutex lock_;
    std::unordered_map<std::string, std::uint32_t> active_;
};

}  // namespace ordercast::api
