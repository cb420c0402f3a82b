#include "transport/ws_handshake.hpp"

#include <gtest/gtest.h>

namespace ordercast::transport {
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
    EXPECT_EQ(query_param("/?token=abc.def.ghi", "token"), "abc.def.ghi");
    EXPECT_EQ(query_param("/ws/any/path?x=1&token=a%2Eb", "token"), "a.b");
    EXPECT_FALSE(query_param("/?tok=abc", "token"));
    EXPECT_FALSE(query_param("/", "token"));
    EXPECT_FALSE(query_param("not a target", "token"));
    EXPECT_EQ(query_param("/?token=t&since=42", "since"), "42");
    EXPECT_EQ(query_param("/?since=", "since"), "");
    EXPECT_FALSE(query_param("/?token=t", "since"));
}

TEST(WsHandshake, MatchesOriginsExactly) {
    std::vector<std::string> allowed = {"https://admin.example"};
    EXPECT_TRUE(origin_allowed("https://admin.example", allowed));
    EXPECT_FALSE(origin_allowed("https://admin.example.evil", allowed));
    EXPECT_FALSE(origin_allowed("http://admin.example", allowed));
    EXPECT_TRUE(origin_allowed("https://anything", {}));
}

}  // namespace
}  // namespace ordercast::transport
