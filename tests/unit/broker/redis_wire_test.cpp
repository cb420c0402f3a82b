#include <gtest/gtest.h>

#include "broker/redis_broker.hpp"

namespace ordercast::broker {
namespace {

TEST(RedisUrl, ParsesHostPortAndDatabase) {
    auto e = parse_redis_url("redis://127.0.0.1:6390/2");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "127.0.0.1");
    EXPECT_EQ(e->port, 6390);
    EXPECT_EQ(e->db, 2);
    auto d = parse_redis_url("redis://cache");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->port, 6379);
    EXPECT_EQ(d->db, 0);
    for (const char* bad :
         {"", "http://x", "redis://", "redis://:6379", "redis://h:0", "redis://h:99999",
          "redis://h:12ab", "redis://h/16", "redis://user:pw@h"}) {
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
    }
}

TEST(RedisWire, EncodesAndDecodesEvents) {
    realtime::event e{{"admin-orders", "user-5"}, R"({"type":"x","data":{"text":"a\nb,c"}})"};
    auto decoded = redis_broker::decode(redis_broker::encode("abc123", e));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->first, "abc123");
    EXPECT_EQ(decoded->second.rooms, e.rooms);
    EXPECT_EQ(decoded->second.payload, e.payload);
}

TEST(RedisWire, RefusesMalformedMessages) {
    for (const char* bad : {"", "no-newline", "id\nno-second-newline", "id\n\n{}"}) {
        EXPECT_FALSE(redis_broker::decode(bad)) << bad;
    }
}

}  // namespace
}  // namespace ordercast::broker
