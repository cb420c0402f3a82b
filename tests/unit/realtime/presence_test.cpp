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
    p.closed(20);
    EXPECT_EQ(presence::count(p.staff()).managers_by_city[3], 2) << "the laptop is still open";
    p.closed(20);
    p.moved(21, {5});
    c = presence::count(p.staff());
    EXPECT_EQ(c.manager, 1);
    EXPECT_EQ(c.managers_by_city.count(3), 0u);
    EXPECT_EQ(c.managers_by_city[5], 1);
    p.closed(10);  // never counted: nothing happens
}

TEST(Presence, ReportsRoundTripAndHostileOnesAreRefused) {
    presence p;
    p.opened(20, auth::role::manager, {3, 7});
    p.opened(2, auth::role::ceo, {});
    auto back = presence::decode(presence::encode(p.staff()));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->at(20).cities, (std::vector<std::int64_t>{3, 7}));
    EXPECT_EQ(back->at(2).role, auth::role::ceo);
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
    all.heard("b", {{20, {auth::role::manager, {4}, 1}}, {21, {auth::role::manager, {3}, 1}}},
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
