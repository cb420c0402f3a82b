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
    EXPECT_TRUE(e->password.empty());
    auto d = parse_redis_url("redis://cache");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->port, 6379);
    EXPECT_EQ(d->db, 0);
    for (const char* bad :
         {"", "http://x", "redis://", "redis://:6379", "redis://h:0", "redis://h:99999",
          "redis://h:12ab", "redis://h/16", "redis://user@h", "redis://:@h", "redis://:p%zz@h"}) {
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
    }
}

TEST(RedisUrl, ReadsAPasswordAndAnAclUserPercentDecoded) {
    auto e = parse_redis_url("redis://:p%40ss:word@cache:6380/1");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->username, "");
    EXPECT_EQ(e->password, "p@ss:word");
    EXPECT_EQ(e->host, "cache");
    EXPECT_EQ(e->port, 6380);
    EXPECT_EQ(e->db, 1);
    auto acl = parse_redis_url("redis://ordercast:secret@10.0.0.5");
    ASSERT_TRUE(acl);
    EXPECT_EQ(acl->username, "ordercast");
    EXPECT_EQ(acl->password, "secret");
    EXPECT_EQ(acl->host, "10.0.0.5");
}

TEST(RedisWire, EncodesAndDecodesEvents) {
    realtime::event e{
        42, {"admin-orders", "user-5"}, R"({"type":"x","id":42,"data":{"text":"a\nb,c"}})"};
    auto decoded = redis_broker::decode(redis_broker::encode("abc123", e));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->instance, "abc123");
    const auto* got = std::get_if<realtime::event>(&decoded->body);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->id, 42);
    EXPECT_EQ(got->rooms, e.rooms);
    EXPECT_EQ(got->payload, e.payload);
}

TEST(RedisWire, EncodesAndDecodesManagerCityChanges) {
    for (const auto& cities : {std::vector<std::int64_t>{}, std::vector<std::int64_t>{3, 9}}) {
        auto decoded =
            redis_broker::decode(redis_broker::encode("abc", manager_cities_change{77, cities}));
        ASSERT_TRUE(decoded);
        const auto* got = std::get_if<manager_cities_change>(&decoded->body);
        ASSERT_TRUE(got);
        EXPECT_EQ(got->user_id, 77);
        EXPECT_EQ(got->cities, cities);
    }
}

TEST(RedisWire, RefusesWhatNoInstanceWouldPublish) {
    const std::string ok = R"({"type":"x","id":1,"data":{}})";
    for (const std::string& bad :
         {std::string(), std::string("no-newline"), std::string("id\nno-second-newline"),
          "id\n\n" + ok, "\nadmin-orders\n" + ok, "id\nadmin-orders,\n" + ok,
          "id\nuser-9007199254740992\n" + ok, "id\nlobby\n" + ok,
          std::string("id\nadmin-orders\n{\"type\":\"x\",\"data\":\"\xc3\x28\"}"),
          std::string("id\nadmin-orders\n[1,2]"), std::string("id\nadmin-orders\n{\"data\":{}}"),
          // Every event is logged: one without its log position cannot be put in order.
          std::string("id\nadmin-orders\n{\"type\":\"x\",\"data\":{}}"),
          std::string("id\nadmin-orders\n{\"type\":\"x\",\"id\":0,\"data\":{}}"),
          std::string("id\nadmin-orders\n{\"type\":\"x\",\"id\":\"7\",\"data\":{}}"),
          "id\nadmin-orders\n{\"type\":\"x\",\"pad\":\"" + std::string(70000, 'a') + "\"}",
          std::string("id\n!manager-cities\n0:1"), std::string("id\n!manager-cities\n5:1,,2"),
          std::string("id\n!manager-cities\n5")}) {
        EXPECT_FALSE(redis_broker::decode(bad)) << bad.substr(0, 80);
    }
}

}  // namespace
}  // namespace ordercast::broker
