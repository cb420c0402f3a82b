#include "realtime/presence.hpp"

#include <gtest/gtest.h>

namespace ordercast::realtime {
namespace {

TEST(Presence, CountsPeopleNotSocketsAndFollowsCityChanges) {
    presence p;
    p.opened(20, auth::role::manager, {3});
    p.opened(20, auth::role::manager, {3});  // the same manager's laptop
    p.opened(21, auth::role::manager, {3, 4});
    p.opened(1, auth::role::admin, {});
    p.opened(10, auth::role::user, {});  // customers are not staff
    auto c = presence::count(p.staff());
    EXPECT_EQ(c.manager, 2);
    EXPECT_EQ(c.admin, 1);
    EXPECT_EQ(c.managers_by_city[3], 2);
    EXPECT_EQ(c.managers_by_city[4], 1);
    p.closed(20, auth::role::manager);
    EXPECT_EQ(presence::count(p.staff()).managers_by_city[3], 2) << "the laptop is still open";
    p.closed(20, auth::role::manager);
    p.moved(21, {5});
    c = presence::count(p.staff());
    EXPECT_EQ(c.manager, 1);
    EXPECT_EQ(c.managers_by_city.count(3), 0u);
    EXPECT_EQ(c.managers_by_city[5], 1);
    p.closed(10, auth::role::user);  // never counted: nothing happens
}

// A customer's socket that carries a manager's user id (another backend's token) is not
// that manager: closing it does not take her city to 0 while she is connected.
TEST(Presence, APersonIsAUserIdAndARole) {
    presence p;
    p.opened(20, auth::role::manager, {3});
    p.opened(20, auth::role::user, {});
    p.closed(20, auth::role::user);
    EXPECT_EQ(presence::count(p.staff()).managers_by_city[3], 1);
    p.opened(20, auth::role::admin, {});
    auto c = presence::count(p.staff());
    EXPECT_EQ(c.manager, 1);
    EXPECT_EQ(c.admin, 1) << "the same id with another staff role is another person";
    p.closed(20, auth::role::admin);
    EXPECT_EQ(presence::count(p.staff()).manager, 1);
}

TEST(Presence, AManagersViewCountsOnlyTheManagersOfHerCities) {
    presence p;
    p.opened(20, auth::role::manager, {3});
    p.opened(21, auth::role::manager, {3, 4});
    p.opened(22, auth::role::manager, {5});
    const std::vector<std::int64_t> hers{3};
    auto c = presence::count(p.staff(), &hers);
    EXPECT_EQ(c.manager, 2) << "22 manages none of her cities";
    EXPECT_EQ(c.managers_by_city.size(), 1u) << "nothing of cities 4 and 5";
    EXPECT_EQ(c.managers_by_city[3], 2);
}

TEST(Presence, ReportsRoundTripAndHostileOnesAreRefused) {
    presence p;
    p.opened(20, auth::role::manager, {3, 7});
    p.opened(2, auth::role::ceo, {});
    auto back = presence::decode(presence::encode(p.staff()));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->at(presence::key_of(20, auth::role::manager)).cities,
              (std::vector<std::int64_t>{3, 7}));
    EXPECT_EQ(back->at(presence::key_of(2, auth::role::ceo)).user_id, 2);
    EXPECT_TRUE(presence::decode("")) << "nobody online";
    for (const char* bad :
         {"20", "20:manager", "x:manager:", "20:user:", "20:service:", "20:manager:3,",
          "20:manager:0", "20:manager:3;", "-1:admin:", "9007199254740992:admin:"}) {
        EXPECT_FALSE(presence::decode(bad)) << bad;
    }
}

TEST(ClusterPresence, MergesOtherInstancesAndForgetsSilentOnes) {
    presence local;
    local.opened(20, auth::role::manager, {3});
    cluster_presence all(local, 10'000);
    const auto m = [](std::int64_t id) { return presence::key_of(id, auth::role::manager); };
    all.heard(
        "b",
        {{m(20), {20, auth::role::manager, {4}, 1}}, {m(21), {21, auth::role::manager, {3}, 1}}},
        1000);
    auto c = all.counts(5000);
    EXPECT_EQ(c.manager, 2) << "manager 20 on both instances is one person";
    EXPECT_EQ(c.managers_by_city[3], 2);
    EXPECT_EQ(c.managers_by_city[4], 1);
    c = all.counts(11'001);
    EXPECT_EQ(c.manager, 1) << "b has been silent for over 10 s";
}

}  // namespace
}  // namespace ordercast::realtime
