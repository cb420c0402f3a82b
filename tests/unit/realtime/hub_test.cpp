#include "realtime/hub.hpp"

#include <gtest/gtest.h>

namespace ordercast::realtime {
namespace {

struct recorder : subscriber {
    std::vector<std::string> got;
    bool full = false;  // refuses what it is pushed, like a socket closed as a slow consumer
    bool push(out_frame* f, std::int64_t) override {
        if (full) return false;
        got.emplace_back(f->data() + 2, f->size() - 2);
        return true;
    }
};

TEST(Hub, DeliversToEveryMemberOfEachRoomOnce) {
    hub h;
    recorder a, b, c;
    h.join(a, "admin-orders", 256);
    h.join(a, "city-1-orders", 256);
    h.join(b, "city-1-orders", 256);
    h.join(c, "user-9", 256);
    frame_ref f(out_frame::make(opcode::text, "hi"));
    std::vector<std::string> rooms = {"admin-orders", "city-1-orders", "city-1-orders",
                                      "nobody-here"};
    EXPECT_EQ(h.deliver(rooms, f.get(), 1), 2u);
    EXPECT_EQ(a.got, std::vector<std::string>{"hi"});
    EXPECT_EQ(b.got, std::vector<std::string>{"hi"});
    EXPECT_TRUE(c.got.empty());
}

TEST(Hub, CountsOnlyTheMembersThatQueuedTheEvent) {
    hub h;
    recorder a, b;
    b.full = true;
    h.join(a, "admin-orders", 256);
    h.join(b, "admin-orders", 256);
    frame_ref f(out_frame::make(opcode::text, "hi"));
    std::vector<std::string> rooms = {"admin-orders"};
    EXPECT_EQ(h.deliver(rooms, f.get(), 1), 1u);
}

TEST(Hub, LeavingKeepsTheOtherMembersReachable) {
    hub h;
    recorder s[4];
    for (auto& r : s) h.join(r, "admin-orders", 256);
    EXPECT_TRUE(h.leave(s[0], "admin-orders"));
    EXPECT_FALSE(h.leave(s[0], "admin-orders"));
    h.leave_all(s[2]);
    frame_ref f(out_frame::make(opcode::text, "x"));
    std::vector<std::string> rooms = {"admin-orders"};
    EXPECT_EQ(h.deliver(rooms, f.get(), 1), 2u);
    EXPECT_EQ(s[1].got.size(), 1u);
    EXPECT_EQ(s[3].got.size(), 1u);
    h.leave_all(s[1]);
    h.leave_all(s[3]);
    EXPECT_EQ(h.room_count(), 0u);  // empty rooms are dropped
}

TEST(Hub, JoinIsIdempotentAndBounded) {
    hub h;
    recorder r;
    EXPECT_EQ(h.join(r, "user-1", 2), hub::join_result::joined);
    EXPECT_EQ(h.join(r, "user-1", 2), hub::join_result::already_member);
    EXPECT_EQ(h.join(r, "admin-orders", 2), hub::join_result::joined);
    EXPECT_EQ(h.join(r, "city-1-orders", 2), hub::join_result::too_many_rooms);
    EXPECT_EQ(r.room_count(), 2u);
    h.leave_all(r);
}

TEST(OutFrame, EncodesServerFramesUnmaskedWithTheShortestLength) {
    frame_ref small(out_frame::make(opcode::text, std::string(125, 'a')));
    EXPECT_EQ(small->size(), 127u);
    EXPECT_EQ(static_cast<unsigned char>(small->data()[0]), 0x81);
    EXPECT_EQ(static_cast<unsigned char>(small->data()[1]), 125);
    frame_ref medium(out_frame::make(opcode::text, std::string(126, 'a')));
    EXPECT_EQ(medium->size(), 130u);
    EXPECT_EQ(static_cast<unsigned char>(medium->data()[1]), 126);
    frame_ref large(out_frame::make(opcode::text, std::string(70000, 'a')));
    EXPECT_EQ(large->size(), 70010u);
    EXPECT_EQ(static_cast<unsigned char>(large->data()[1]), 127);
    frame_ref close(out_frame::make_close(4001, "unauthorized"));
    EXPECT_EQ(static_cast<unsigned char>(close->data()[0]), 0x88);
    EXPECT_EQ(std::string(close->data() + 2, 2), std::string("\x0f\xa1"));
}

}  // namespace
}  // namespace ordercast::realtime
