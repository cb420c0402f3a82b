#pragma once

#include <cstdint>

namespace ordercast::domain {

// Users ordercast creates itself (Telegram customers, staff accounts) take ids from here
// on, in SQLite and PostgreSQL alike; ids below belong to the existing backend's tokens.
// A token whose userId is in this range must name a user ordercast created.
inline constexpr std::int64_t first_own_user_id = 1'000'000'000;

inline bool is_own_user_id(std::int64_t id) {
    return id >= first_own_user_id;
}

}  // namespace ordercast::domain
