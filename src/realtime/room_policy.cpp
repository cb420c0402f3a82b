#include "realtime/room_policy.hpp"

#include <algorithm>

#include "util/decimal_id.hpp"

namespace ordercast::realtime {
std::optional<room_id> parse_room(std::string_view name) {
    if (name == "admin-orders") return room_id{room_id::kind::admin_orders, 0};
    constexpr std::string_view user_prefix = "user-";
    constexpr std::string_view city_prefix = "city-";
    constexpr std::string_view city_suffix = "-orders";
    if (name.starts_with(user_prefix)) {
        if (auto id = util::parse_decimal_id(name.substr(user_prefix.size())))
            return room_id{room_id::kind::user, *id};
        return std::nullopt;
    }
    if (name.starts_with(city_prefix) && name.ends_with(city_suffix) &&
        name.size() > city_prefix.size() + city_suffix.size()) {
        auto digits =
            name.substr(city_prefix.size(), name.size() - city_prefix.size() - city_suffix.size());
        if (auto id = util::parse_decimal_id(digits))
            return room_id{room_id::kind::city_orders, *id};
    }
    return std::nullopt;
}

std::string admin_room() {
    return "admin-orders";
}
std::string city_room(std::int64_t city_id) {
    return "city-" + std::to_string(city_id) + "-orders";
}
std::string user_room(std::int64_t user_id) {
    return "user-" + std::to_string(user_id);
}

join_decision may_join(const auth::principal& who, std::string_view room) {
    auto parsed = parse_room(room);
    if (!parsed) return join_decision::bad_room;
    if (who.is_staff_admin()) return join_decision::allowed;
    switch (parsed->type) {
        case room_id::kind::admin_orders:
            return join_decision::forbidden;
        case room_id::kind::city_orders: {
            bool mine = who.who == auth::role::manager &&
                        std::find(who.city_ids.begin(), who.city_ids.end(), parsed->id) !=
                            who.city_ids.end();
            return mine ? join_decision::allowed : join_decision::forbidden;
        }
        case room_id::kind::user:
            return parsed->id == who.user_id ? join_decision::allowed : join_decision::forbidden;
    }
    return join_decision::bad_room;
}

std::vector<std::string> automatic_rooms(const auth::principal& who) {
    std::vector<std::string> rooms;
    if (who.is_staff_admin()) rooms.push_back(admin_room());
    if (who.who == auth::role::manager) {
        for (auto city : who.city_ids) {
            if (rooms.size() + 1 >= max_rooms_per_socket) break;
            rooms.push_back(city_room(city));
        }
    }
    rooms.push_back(user_room(who.user_id));
    return rooms;
}

}  // namespace ordercast::realtime
