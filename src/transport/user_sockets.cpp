#include "transport/user_sockets.hpp"

#include <algorithm>

namespace ordercast::transport {

std::vector<user_sockets::socket_ref> user_sockets::add(std::int64_t user, socket_ref s) {
    std::lock_guard guard(lock_);
    auto& open = by_user_[user];
    open.push_back(s);
    std::vector<socket_ref> evicted;
    if (open.size() > max_) {
        const auto excess = static_cast<std::ptrdiff_t>(open.size() - max_);
        evicted.assign(open.begin(), open.begin() + excess);
        open.erase(open.begin(), open.begin() + excess);
    }
    return evicted;
}

void user_sockets::remove(std::int64_t user, std::uint64_t serial) {
    std::lock_guard guard(lock_);
    auto it = by_user_.find(user);
    if (it == by_user_.end()) return;
    auto& open = it->second;
    auto pos = std::find_if(open.begin(), open.end(),
                            [serial](const socket_ref& r) { return r.serial == serial; });
    if (pos != open.end()) open.erase(pos);
    if (open.empty()) by_user_.erase(it);
}

}  // namespace ordercast::transport
