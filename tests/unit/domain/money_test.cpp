#include "domain/money.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "util/json_text.hpp"

namespace ordercast::domain {
namespace {

std::optional<kopecks> parse(const char* json) {
    return parse_roubles(boost::json::parse(json));
}

TEST(Money, ParsesRoublesWithUpToTwoDecimals) {
    EXPECT_EQ(parse("150"), 15000);
    EXPECT_EQ(parse("150.5"), 15050);
    EXPECT_EQ(parse("150.55"), 15055);
    EXPECT_EQ(parse("0.1"), 10);
    EXPECT_EQ(parse("0.29"), 29);   // 0.29 * 100 is 28.999999999999996 in binary
    EXPECT_EQ(parse("1.15"), 115);  // and 1.15 * 100 is 114.99999999999999
    EXPECT_EQ(parse("0"), 0);
    EXPECT_EQ(parse("1e2"), 10000);
}

TEST(Money, RefusesWhatIsNotAnAmount) {
    for (const char* bad :
         {"150.555", "-1", "-0.01", "\"150\"", "null", "true", "[]", "1e300", "0.001"}) {
        EXPECT_FALSE(parse(bad)) << bad;
    }
}

TEST(Money, PrintsRoublesAsPeopleWriteThem) {
    EXPECT_EQ(util::to_json_text(to_roubles(15050)), "150.5");
    EXPECT_EQ(util::to_json_text(to_roubles(15000)), "150");
    EXPECT_EQ(util::to_json_text(to_roubles(5)), "0.05");
    EXPECT_EQ(util::to_json_text(to_roubles(199999)), "1999.99");
    EXPECT_EQ(util::to_json_text(to_roubles(0)), "0");
}

TEST(Money, PercentRoundsDownSoNoOrderEarnsMoreThanThePercentage) {
    EXPECT_EQ(percent_of(150000, 5), 7500);  // 1500 roubles -> 75
    EXPECT_EQ(percent_of(1001, 5), 50);      // 50.05 kopecks -> 50
    EXPECT_EQ(percent_of(1010, 5), 50);      // 50.5 -> 50, not 51
    EXPECT_EQ(percent_of(10, 5), 0);         // a 0.10 rouble order earns nothing
    EXPECT_EQ(percent_of(0, 5), 0);
    EXPECT_EQ(percent_of(12345, 0), 0);
    EXPECT_EQ(percent_of(12345, 100), 12345);
}

TEST(Money, TwoDecimalsIsAnExactRuleAtEveryMagnitude) {
    // A relative tolerance let a third decimal through above ~5,000 roubles.
    for (const char* bad : {"5000.555", "9999999.991", "123456.785", "0.005", "1.001"}) {
        EXPECT_FALSE(parse(bad)) << bad;
    }
    EXPECT_EQ(parse("5000.55"), 500055);
    EXPECT_EQ(parse("9999999.99"), 999999999);
    EXPECT_EQ(parse("123456.78"), 12345678);
    EXPECT_EQ(parse("0.1000000000000000001"), 10) << "the same number as 0.1";
}

TEST(Money, BoundsEveryAmountSoTotalsStayExact) {
    EXPECT_EQ(parse("10000000"), max_amount);
    EXPECT_FALSE(parse("10000000.01"));
    EXPECT_FALSE(parse("10000001"));
    EXPECT_FALSE(parse("18446744073709551615"));
    // The largest order: 100 items of 1000 at the largest price, below 2^53 kopecks.
    EXPECT_LT(100 * 1000 * max_amount, std::int64_t{1} << 53);
    EXPECT_EQ(util::to_json_text(to_roubles(100 * 1000 * max_amount - 1)), "999999999999.99");
}

}  // namespace
}  // namespace ordercast::domain
