#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.hpp"

namespace ordercast::realtime {

// The only rooms that exist: `admin-orders`, `city-{id}-orders`, `user-{id}`.
// Ids are canonical positive decimals (no sign, no leading zero, at most 2^53-1).
struct room_id {
    enum class kind : std::uint8_t { admin_orders, city_orders, user } type;
    std::int64_t id = 0;
};

std::optional<room_id> parse_room(std::string_view name);
std::string admin_room();
std::string city_room(std::int64_t city_id);
std::string user_room(std::int64_t user_id);

enum class join_decision : std::uint8_t { allowed, forbidden, bad_room };
join_decision may_join(const auth::principal& who, std::string_view room);

// Rooms a socket joins on connect: admin/ceo the admin room, managers their cities'
// rooms, everyone their own user room.
std::vector<std::string> automatic_rooms(const auth::principal& who);

inline constexpr std::size_t max_rooms_per_socket = 256;

}  // namespace ordercast::realtime
