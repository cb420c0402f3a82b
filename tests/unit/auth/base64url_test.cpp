#include "auth/base64url.hpp"

#include <gtest/gtest.h>

namespace ordercast::auth {

TEST(Base64Url, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 70; ++i) {
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
        bytes += static_cast<char>(i * 37);
    }
}

TEST(Base64Url, UsesTheUrlAlphabetWithoutPadding) {
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Base64Url, RefusesOtherAlphabetsPaddingAndImpossibleLengths) {
    EXPECT_FALSE(base64url_decode("+/8"));
    EXPECT_FALSE(base64url_decode("YQ=="));
    EXPECT_FALSE(base64url_decode("YWJjZ"));  // 4n+1 characters cannot encode whole bytes
    EXPECT_FALSE(base64url_decode("ab c"));
    EXPECT_FALSE(base64url_decode(std::string("ab\0c", 4)));
}

TEST(Base64Url, RefusesSpareBitsThatAreNotZero) {
    // "-_8" is the canonical spelling of FB FF; "-_9", "-_-" and "-__" decode to the same
    // bytes if the spare bits are ignored.
    EXPECT_TRUE(base64url_decode("-_8"));
    for (const char* other : {"-_9", "-_-", "-__", "YR", "YWJ"}) {
        EXPECT_FALSE(base64url_decode(other)) << other;
    }
    EXPECT_EQ(base64url_decode("YQ"), std::string("a"));
    EXPECT_EQ(base64url_decode("YWI"), std::string("ab"));
}

}  // namespace ordercast::auth
