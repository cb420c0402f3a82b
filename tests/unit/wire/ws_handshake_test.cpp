#include "wire/ws_handshake.hpp"

#include <gtest/gtest.h>

namespace ordercast::wire {
namespace {

TEST(WsHandshake, ComputesTheRfcExampleAcceptKey) {
    // RFC 6455 §1.3.
    EXPECT_EQ(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, RefusesKeysThatAreNotSixteenBytes) {
    EXPECT_FALSE(websocket_accept(""));
    EXPECT_FALSE(websocket_accept("dGhlIHNhbXBsZSBub25jZQ"));
    EXPECT_FALSE(websocket_accept("dGhlIHNhbXBsZSBub25jZXg="));
    EXPECT_FALSE(websocket_accept("!!!!!!!!!!!!!!!!!!!!!!=="));
}

TEST(WsHandshake, FindsThePercentDecodedTokenInTheQuery) {
    EXPECT_EQ(parse_handshake_query("/?token=abc.def.ghi").token, "abc.def.ghi");
    EXPECT_EQ(parse_handshake_query("/ws/any/path?x=1&token=a%2Eb").token, "a.b");
    EXPECT_FALSE(parse_handshake_query("/?tok=abc").token);
    EXPECT_FALSE(parse_handshake_query("/").token);
    EXPECT_FALSE(parse_handshake_query("not a target").token);
    EXPECT_EQ(parse_handshake_query("/?token=t&since=42").since->since, "42");
    auto q = parse_handshake_query("/path?since=7&token=a%2Eb&x=1");
    EXPECT_EQ(q.token, "a.b");
    EXPECT_EQ(q.since->since, "7");
    EXPECT_FALSE(q.since->epoch) << "no epoch: the client does not check it";
    auto e = parse_handshake_query("/?epoch=ab12&since=9&token=t");
    EXPECT_EQ(e.since->since, "9");
    EXPECT_EQ(e.since->epoch, "ab12") << "the epoch rides with since, in any order";
    EXPECT_FALSE(parse_handshake_query("/?epoch=ab12&token=t").since)
        << "an epoch without since resumes nothing";
    EXPECT_FALSE(parse_handshake_query("/?token=t").since);
    // A broken escape spoils its own field only, which stays present and invalid: the
    // query's bad token still wins over a header's, and a `since` is not silently dropped.
    EXPECT_EQ(parse_handshake_query("/?token=%zz").token, "%%zz");
    auto broken = parse_handshake_query("/?token=good&since=4%2&x=%G0");
    EXPECT_EQ(broken.token, "good");
    ASSERT_TRUE(broken.since);
    EXPECT_EQ(broken.since->since, "%4%2") << "present, and not a position";
    EXPECT_EQ(parse_handshake_query("/?since=").since->since, "");
    EXPECT_FALSE(parse_handshake_query("/?token=t").since);
}

TEST(WsHandshake, MatchesOriginsExactly) {
    std::vector<std::string> allowed = {"https://admin.example"};
    EXPECT_TRUE(origin_allowed("https://admin.example", allowed));
    EXPECT_FALSE(origin_allowed("https://admin.example.evil", allowed));
    EXPECT_FALSE(origin_allowed("http://admin.example", allowed));
    EXPECT_TRUE(origin_allowed("https://anything", {}));
}

}  // namespace
}  // namespace ordercast::wire
