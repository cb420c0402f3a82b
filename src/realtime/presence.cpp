#include "realtime/presence.hpp"

#include <algorithm>

#include "util/decimal_id.hpp"

namespace ordercast::realtime {

namespace {
bool is_staff(auth::role r) {
    return r == auth::role::admin || r == auth::role::ceo || r == auth::role::manager;
}
}  // namespace

void presence::opened(std::int64_t user_id, auth::role role,
                      const std::vector<std::int64_t>& cities) {
    if (!is_staff(role)) return;
    std::lock_guard guard(lock_);
    auto& p = people_[key_of(user_id, role)];
    p.user_id = user_id;
    p.role = role;
    p.cities = cities;
    ++p.sockets;
}

void presence::closed(std::int64_t user_id, auth::role role) {
    if (!is_staff(role)) return;
    std::lock_guard guard(lock_);
    auto it = people_.find(key_of(user_id, role));
    if (it == people_.end()) return;
    if (--it->second.sockets == 0) people_.erase(it);
}

void presence::moved(std::int64_t user_id, const std::vector<std::int64_t>& cities) {
    std::lock_guard guard(lock_);
    if (auto it = people_.find(key_of(user_id, auth::role::manager)); it != people_.end())
        it->second.cities = cities;
}

std::unordered_map<std::int64_t, presence::person> presence::staff() const {
    std::lock_guard guard(lock_);
    return people_;
}

presence::counts presence::count(const std::unordered_map<std::int64_t, person>& people,
                                 const std::vector<std::int64_t>* only) {
    const auto visible = [only](std::int64_t city) {
        return !only || std::find(only->begin(), only->end(), city) != only->end();
    };
    counts c;
    for (const auto& [key, p] : people) {
        switch (p.role) {
            case auth::role::admin:
                ++c.admin;
                break;
            case auth::role::ceo:
                ++c.ceo;
                break;
            case auth::role::manager:
                if (std::none_of(p.cities.begin(), p.cities.end(), visible)) break;
                ++c.manager;
                for (auto city : p.cities)
                    if (visible(city)) ++c.managers_by_city[city];
                break;
            default:
                break;
        }
    }
    return c;
}

std::string presence::encode(const std::unordered_map<std::int64_t, person>& people) {
    std::string out;
    for (const auto& [key, p] : people) {
        if (!out.empty()) out += ';';
        out += std::to_string(p.user_id);
        out += ':';
        out += auth::to_string(p.role);
        out += ':';
        for (std::size_t i = 0; i < p.cities.size(); ++i) {
            if (i) out += ',';
            out += std::to_string(p.cities[i]);
        }
    }
    return out;
}

std::optional<std::unordered_map<std::int64_t, presence::person>> presence::decode(
    std::string_view text) {
    constexpr std::size_t max_people = 100000;
    std::unordered_map<std::int64_t, person> people;
    while (!text.empty()) {
        const auto end = text.find(';');
        std::string_view entry = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const auto a = entry.find(':');
        const auto b = entry.find(':', a == std::string_view::npos ? a : a + 1);
        if (a == std::string_view::npos || b == std::string_view::npos) return std::nullopt;
        auto id = util::parse_decimal_id(entry.substr(0, a));
        auto role = auth::parse_role(entry.substr(a + 1, b - a - 1));
        if (!id || !role || !is_staff(*role) || people.size() >= max_people) return std::nullopt;
        person p{*id, *role, {}, 1};
        std::string_view cities = entry.substr(b + 1);
        while (!cities.empty()) {
            const auto comma = cities.find(',');
            auto city = util::parse_decimal_id(cities.substr(0, comma));
            if (!city || p.cities.size() >= 256) return std::nullopt;
            p.cities.push_back(*city);
            cities =
                comma == std::string_view::npos ? std::string_view() : cities.substr(comma + 1);
            if (comma != std::string_view::npos && cities.empty()) return std::nullopt;
        }
        people[key_of(*id, *role)] = std::move(p);
        if (end != std::string_view::npos && text.empty()) return std::nullopt;
    }
    return people;
}

void cluster_presence::heard(const std::string& instance,
                             std::unordered_map<std::int64_t, presence::person> people,
                             std::int64_t now_ms) {
    std::lock_guard guard(lock_);
    others_[instance] = {std::move(people), now_ms};
}

presence::counts cluster_presence::counts(std::int64_t now_ms,
                                          const std::vector<std::int64_t>* only) const {
    auto everybody = local_.staff();
    std::lock_guard guard(lock_);
    for (const auto& [instance, r] : others_) {
        if (now_ms - r.at_ms > expiry_ms_) continue;
        for (const auto& [key, p] : r.people) {
            auto& merged = everybody[key];
            merged.user_id = p.user_id;
            merged.role = p.role;
            for (auto city : p.cities) {
                if (std::find(merged.cities.begin(), merged.cities.end(), city) ==
                    merged.cities.end())
                    merged.cities.push_back(city);
            }
        }
    }
    return presence::count(everybody, only);
}

}  // namespace ordercast::realtime
