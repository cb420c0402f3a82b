#include "realtime/protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace ordercast::realtime {
namespace {

protocol_error error_of(std::string_view text) {
    auto r = parse_client_message(text);
    EXPECT_TRUE(std::holds_alternative<protocol_error>(r)) << text;
    return std::holds_alternative<protocol_error>(r) ? std::get<protocol_error>(r)
                                                     : protocol_error{};
}

TEST(Protocol, ParsesTheThreeClientMessages) {
    auto ping = parse_client_message(R"({"type":"ping"})");
    ASSERT_TRUE(std::holds_alternative<client_message>(ping));
    EXPECT_EQ(std::get<client_message>(ping).type, client_message::kind::ping);

    auto join =
        parse_client_message(R"({"type":"join-room","data":{"roomId":"admin-orders"},"extra":1})");
    ASSERT_TRUE(std::holds_alternative<client_message>(join));
    EXPECT_EQ(std::get<client_message>(join).type, client_message::kind::join_room);
    EXPECT_EQ(std::get<client_message>(join).room, "admin-orders");

    auto leave = parse_client_message(R"({"data":{"roomId":"user-1"},"type":"leave-room"})");
    ASSERT_TRUE(std::holds_alternative<client_message>(leave));
    EXPECT_EQ(std::get<client_message>(leave).type, client_message::kind::leave_room);
}

TEST(Protocol, NamesWhatIsWrongWithBadMessages) {
    EXPECT_EQ(error_of("{").code, "bad-json");
    EXPECT_EQ(error_of("").code, "bad-json");
    EXPECT_EQ(error_of(R"({"type":"ping"} trailing)").code, "bad-json");
    EXPECT_EQ(error_of("[]").code, "bad-request");
    EXPECT_EQ(error_of("42").code, "bad-request");
    EXPECT_EQ(error_of(R"({"data":{}})").code, "bad-request");
    EXPECT_EQ(error_of(R"({"type":7})").code, "bad-request");
    auto unknown = error_of(R"({"type":"subscribe"})");
    EXPECT_EQ(unknown.code, "unknown-type");
    EXPECT_EQ(unknown.request_type, "subscribe");
    auto no_data = error_of(R"({"type":"join-room"})");
    EXPECT_EQ(no_data.code, "bad-request");
    EXPECT_EQ(no_data.request_type, "join-room");
    EXPECT_EQ(error_of(R"({"type":"join-room","data":[]})").code, "bad-request");
    EXPECT_EQ(error_of(R"({"type":"join-room","data":{"roomId":5}})").code, "bad-request");
    EXPECT_EQ(error_of(R"({"type":"leave-room","data":{"room":"user-1"}})").code, "bad-request");
}

TEST(Protocol, SerializesServerMessagesInTheSeedShape) {
    auth::principal p{.user_id = 123, .who = auth::role::admin, .city_ids = {}, .expires_at = 0};
    EXPECT_EQ(
        connected_message(p, 4711, "e1"),
        R"({"type":"connected","data":{"userId":123,"role":"admin","lastEventId":4711,"epoch":"e1"}})");
    EXPECT_EQ(
        connected_message(p, 9, "e1", true),
        R"({"type":"connected","data":{"userId":123,"role":"admin","lastEventId":9,"epoch":"e1","recovered":true}})");
    EXPECT_EQ(resync_message("too-many", 12),
              R"({"type":"resync","data":{"reason":"too-many","lastEventId":12}})");
    EXPECT_EQ(logged_event_message(7, "new-order", R"({"id":1})"),
              R"({"type":"new-order","id":7,"data":{"id":1}})");
    EXPECT_EQ(pong_message(), R"({"type":"pong"})");
    EXPECT_EQ(room_reply("room-joined", "user-1"),
              R"({"type":"room-joined","data":{"roomId":"user-1"}})");
    auto err = boost::json::parse(error_message({"bad-json", "nope", std::nullopt}));
    EXPECT_EQ(err.at("data").at("code"), "bad-json");
    EXPECT_TRUE(err.at("data").at("requestType").is_null());
}

TEST(Protocol, EventTypesMatchTheAllowedPattern) {
    EXPECT_TRUE(valid_event_type("new-order"));
    EXPECT_TRUE(valid_event_type(std::string(64, 'a')));
    EXPECT_FALSE(valid_event_type(std::string(65, 'a')));
    EXPECT_FALSE(valid_event_type(""));
    EXPECT_FALSE(valid_event_type("New-Order"));
    EXPECT_FALSE(valid_event_type("new_order"));
    EXPECT_FALSE(valid_event_type("new order"));
}

}  // namespace
}  // namespace ordercast::realtime
