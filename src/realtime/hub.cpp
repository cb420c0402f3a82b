#include "realtime/hub.hpp"

#include <algorithm>

namespace ordercast::realtime {

hub::join_result hub::join(subscriber& s, std::string_view name, std::size_t max_rooms) {
    for (const auto& m : s.rooms_) {
        if (*m.where->name == name) return join_result::already_member;
    }
    if (s.rooms_.size() >= max_rooms) return join_result::too_many_rooms;
    auto it = rooms_.find(name);
    if (it == rooms_.end()) {
        it = rooms_.emplace(std::string(name), room{}).first;
        it->second.name = &it->first;
    }
    room& r = it->second;
    s.rooms_.push_back({&r, static_cast<std::uint32_t>(r.members.size())});
    r.members.push_back(&s);
    return join_result::joined;
}

void hub::remove_member(room& r, std::uint32_t index) {
    // Swap-remove; the member moved into `index` must learn its new position.
    subscriber* moved = r.members.back();
    r.members[index] = moved;
    r.members.pop_back();
    if (index < r.members.size()) {
        for (auto& m : moved->rooms_) {
            if (m.where == &r) {
                m.index = index;
                break;
            }
        }
    }
    if (r.members.empty()) rooms_.erase(*r.name);
}

bool hub::leave(subscriber& s, std::string_view name) {
    auto it = std::find_if(s.rooms_.begin(), s.rooms_.end(),
                           [&](const auto& m) { return *m.where->name == name; });
    if (it == s.rooms_.end()) return false;
    auto m = *it;
    s.rooms_.erase(it);
    remove_member(*m.where, m.index);
    return true;
}

void hub::leave_all(subscriber& s) {
    auto rooms = std::move(s.rooms_);
    s.rooms_.clear();
    for (const auto& m : rooms) remove_member(*m.where, m.index);
}

std::size_t hub::deliver(std::span<const std::string> rooms, out_frame* f, std::int64_t event_id) {
    const std::uint64_t seq = ++delivery_seq_;
    std::size_t recipients = 0;
    for (const auto& name : rooms) {
        auto it = rooms_.find(std::string_view(name));
        if (it == rooms_.end()) continue;
        for (subscriber* s : it->second.members) {
            if (s->last_delivery_ == seq) continue;
            s->last_delivery_ = seq;
            if (s->push(f, event_id)) ++recipients;
        }
    }
    return recipients;
}

}  // namespace ordercast::realtime
