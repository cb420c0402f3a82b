#include "domain/order_status.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace ordercast::domain {
namespace {

TEST(OrderStatus, AllowsExactlyTheTransitionsOfTheProtocol) {
    using enum order_status;
    const std::set<std::pair<order_status, order_status>> allowed = {
        {pending, confirmed}, {confirmed, preparing},  {preparing, ready},
        {ready, delivering},  {delivering, completed}, {ready, completed},
        {pending, cancelled}, {confirmed, cancelled},  {preparing, cancelled},
        {ready, cancelled},   {delivering, cancelled},
    };
    const order_status all[] = {pending,    confirmed, preparing, ready,
                                delivering, completed, cancelled};
    for (auto from : all) {
        for (auto to : all) {
            EXPECT_EQ(can_transition(from, to), allowed.count({from, to}) == 1)
                << to_string(from) << " -> " << to_string(to);
        }
    }
}

TEST(OrderStatus, ParsesOnlyKnownNames) {
    EXPECT_EQ(parse_status("delivering"), order_status::delivering);
    EXPECT_FALSE(parse_status("Delivering"));
    EXPECT_FALSE(parse_status("shipped"));
    EXPECT_FALSE(parse_status(""));
    EXPECT_TRUE(is_final(order_status::completed));
    EXPECT_TRUE(is_final(order_status::cancelled));
    EXPECT_FALSE(is_final(order_status::ready));
}

}  // namespace
}  // namespace ordercast::domain
