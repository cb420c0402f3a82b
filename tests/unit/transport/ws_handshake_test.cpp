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
    EXPECT_EQ(query_token("/?token=abc.def.ghi"), "abc.def.ghi");
    EXPECT_EQ(query_token("/ws/any/path?x=1&token=a%2Eb"), "a.b");
    EXPECT_FALSE(query_token("/?tok=abc"));
    EXPECT_FALSE(query_token("/"));
    EXPECT_FALSE(query_token("not a target"));
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
