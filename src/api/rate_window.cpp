#include "api/rate_window.hpp"

namespace ordercast::api {

std::int64_t rate_window::take(const std::string& key, std::int64_t now_ms) {
    std::lock_guard guard(lock_);
    prune(now_ms);
    auto& times = events_[key];
    while (!times.empty() && times.front() <= now_ms - window_ms_) times.pop_front();
    if (times.size() >= limit_) {
        const std::int64_t wait_ms = times.front() + window_ms_ - now_ms;
        return (wait_ms + 999) / 1000;
    }
    times.push_back(now_ms);
    return 0;
}

void rate_window::give_back(const std::string& key) {
    std::lock_guard guard(lock_);
    auto it = events_.find(key);
    if (it != events_.end() && !it->second.empty()) it->second.pop_back();
}

void rate_window::prune(std::int64_t now_ms) {
    if (now_ms < next_prune_ms_) return;
    next_prune_ms_ = now_ms + window_ms_;
    for (auto it = events_.begin(); it != events_.end();) {
        if (it->second.empty() || it->second.back() <= now_ms - window_ms_) {
            it = events_.erase(it);
        } else {
            ++it;
        }
    }
}

bool concurrency_gate::enter(const std::string& key) {
    std::lock_guard guard(lock_);
    auto& n = active_[key];
    if (n >= limit_) return false;
    ++n;
    return true;
}

void concurrency_gate::leave(const std::string& key) {
    std::lock_guard guard(lock_);
    auto it = active_.find(key);
    if (it == active_.end()) return;
    if (--it->second == 0) active_.erase(it);
}

}  // namespace ordercast::api
