#include "realtime/room_policy.hpp"

#include <gtest/gtest.h>

namespace ordercast::realtime {
namespace {

using auth::principal;
using auth::role;

principal who(role r, std::int64_t id = 10, std::vector<std::int64_t> cities = {}) {
    return principal{.user_id = id, .who = r, .city_ids = std::move(cities), .expires_at = 0};
}

TEST(RoomPolicy, ParsesOnlyCanonicalRoomIds) {
    EXPECT_TRUE(parse_room("admin-orders"));
    EXPECT_TRUE(parse_room("city-12-orders"));
    EXPECT_TRUE(parse_room("user-7"));
    for (const char* bad :
         {"", "admin", "admin-orders ", "city-01-orders", "city--1-orders", "city-0-orders",
          "city--orders", "city-1-order", "city-1", "user-", "user-0", "user-07", "user-+7",
          "user-7x", "user-1234567890123456789", "User-7", "room-1"}) {
        EXPECT_FALSE(parse_room(bad)) << bad;
    }
}

TEST(RoomPolicy, FollowsTheJoinTable) {
    struct row {
        principal p;
        const char* room;
        join_decision expected;
    };
    const principal admin = who(role::admin), ceo = who(role::ceo),
                    manager = who(role::manager, 10, {3}), user = who(role::user, 10),
                    service = who(role::service, 10);
    const row rows[] = {
        {admin, "admin-orders", join_decision::allowed},
        {ceo, "admin-orders", join_decision::allowed},
        {manager, "admin-orders", join_decision::forbidden},
        {user, "admin-orders", join_decision::forbidden},
        {service, "admin-orders", join_decision::forbidden},
        {admin, "city-5-orders", join_decision::allowed},
        {ceo, "city-5-orders", join_decision::allowed},
        {manager, "city-3-orders", join_decision::allowed},
        {manager, "city-5-orders", join_decision::forbidden},
        {user, "city-3-orders", join_decision::forbidden},
        {user, "user-10", join_decision::allowed},
        {user, "user-11", join_decision::forbidden},
        {manager, "user-10", join_decision::allowed},
        {admin, "user-11", join_decision::allowed},
        {ceo, "user-11", join_decision::allowed},
        {user, "lobby", join_decision::bad_room},
        {admin, "city-01-orders", join_decision::bad_room},
        {admin, "city--1-orders", join_decision::bad_room},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(may_join(r.p, r.room), r.expected) << to_string(r.p.who) << " " << r.room;
    }
}

TEST(RoomPolicy, JoinsRoomsByRoleOnConnect) {
    EXPECT_EQ(automatic_rooms(who(role::admin, 1)),
              (std::vector<std::string>{"admin-orders", "user-1"}));
    EXPECT_EQ(automatic_rooms(who(role::ceo, 2)),
              (std::vector<std::string>{"admin-orders", "user-2"}));
    EXPECT_EQ(automatic_rooms(who(role::manager, 3, {4, 5})),
              (std::vector<std::string>{"city-4-orders", "city-5-orders", "user-3"}));
    EXPECT_EQ(automatic_rooms(who(role::user, 6)), (std::vector<std::string>{"user-6"}));
}

TEST(RoomPolicy, CapsAutomaticRoomsAtTheSocketLimit) {
    std::vector<std::int64_t> cities;
    for (int i = 1; i <= 1000; ++i) cities.push_back(i);
    EXPECT_LE(automatic_rooms(who(role::manager, 3, cities)).size(), max_rooms_per_socket);
}

}  // namespace
}  // namespace ordercast::realtime
