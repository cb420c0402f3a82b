#include "wire/utf8_validator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ordercast::wire {
namespace {

bool valid(std::string_view s) {
    utf8_validator v;
    return v.feed(reinterpret_cast<const unsigned char*>(s.data()), s.size()) && v.complete();
}

TEST(Utf8Validator, AcceptsWellFormedText) {
    EXPECT_TRUE(valid(""));
    EXPECT_TRUE(valid("plain ascii, long enough to take the eight-byte path"));
    EXPECT_TRUE(valid("Привет, мир"));
    EXPECT_TRUE(valid("\xe2\x82\xac"));      // U+20AC
    EXPECT_TRUE(valid("\xf0\x9f\x8d\x95"));  // U+1F355
    EXPECT_TRUE(valid("\xf4\x8f\xbf\xbf"));  // U+10FFFF
    EXPECT_TRUE(valid("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
    EXPECT_TRUE(valid("\xef\xbf\xbf"));      // U+FFFF
}

TEST(Utf8Validator, RefusesOverlongsSurrogatesAndOutOfRange) {
    for (std::string bad :
         {"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
          "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
          "\xf5\x80\x80\x80", "\xff", "\x80", "abc\xbf", "\xe2\x82", "\xe2\x28\xa1"}) {
        EXPECT_FALSE(valid(bad)) << testing::PrintToString(bad);
    }
}

TEST(Utf8Validator, AcceptsACodePointSplitAcrossFeeds) {
    std::string euro = "a\xe2\x82\xac";
    for (std::size_t cut = 0; cut <= euro.size(); ++cut) {
        utf8_validator v;
        auto* p = reinterpret_cast<const unsigned char*>(euro.data());
        ASSERT_TRUE(v.feed(p, cut));
        ASSERT_TRUE(v.feed(p + cut, euro.size() - cut));
        EXPECT_TRUE(v.complete());
    }
    utf8_validator v;
    auto* p = reinterpret_cast<const unsigned char*>(euro.data());
    EXPECT_TRUE(v.feed(p, 3));
    EXPECT_FALSE(v.complete());
}

TEST(Utf8Validator, FailsFastOnTheFirstBadByte) {
    utf8_validator v;
    std::string bad = "\xed\xa0";  // a surrogate is certain after two bytes
    EXPECT_FALSE(v.feed(reinterpret_cast<const unsigned char*>(bad.data()), bad.size()));
}

}  // namespace
}  // namespace ordercast::wire
