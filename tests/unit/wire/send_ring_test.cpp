#include "wire/send_ring.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/token_bucket.hpp"

namespace ordercast::wire {
namespace {

// Frames of exactly these bytes (make_raw: no framing added).
std::vector<realtime::out_frame*> frames(std::initializer_list<std::string> texts) {
    std::vector<realtime::out_frame*> out;
    for (const auto& t : texts) out.push_back(realtime::out_frame::make_raw(t));
    return out;
}

std::string gathered(const send_ring& ring, int max = 64) {
    iovec iov[64];
    int count = 0;
    const auto total = ring.gather(iov, max, count);
    std::string bytes;
    for (int i = 0; i < count; ++i)
        bytes.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
    EXPECT_EQ(bytes.size(), total);
    return bytes;
}

TEST(SendRing, WritesFramesInOrderAcrossPartialWritesAndReleasesEachOnce) {
    send_ring ring;
    auto f = frames({"abc", "de", "fghi"});
    for (auto* x : f) ring.push(x);
    EXPECT_EQ(gathered(ring), "abcdefghi");
    std::vector<realtime::out_frame*> done;
    const auto collect = [&](realtime::out_frame* x) { done.push_back(x); };
    ring.written(2, collect);  // "ab": the head is half written
    EXPECT_TRUE(done.empty());
    EXPECT_EQ(ring.head_offset(), 2u);
    EXPECT_EQ(gathered(ring), "cdefghi");
    ring.written(4, collect);  // "cdef": two frames done, the third begun
    EXPECT_EQ(done, (std::vector<realtime::out_frame*>{f[0], f[1]}));
    EXPECT_EQ(gathered(ring), "ghi");
    ring.written(3, collect);
    EXPECT_TRUE(ring.empty());
    EXPECT_EQ(done.size(), 3u);
    for (auto* x : done) x->release();
}

TEST(SendRing, CopiesWholeFramesFromTheHalfWrittenHeadWhileTheyFit) {
    send_ring ring;
    auto f = frames({"abc", "de", "fghi", "j"});
    for (auto* x : f) ring.push(x);
    const auto release = [](realtime::out_frame* x) { x->release(); };
    ring.written(1, release);  // "a" is out: the head goes on from "b"
    char out[7];
    std::uint32_t count = 99;
    EXPECT_EQ(ring.copy(out, count), 4u);
    EXPECT_EQ(count, 2u) << "\"fghi\" would not fit after \"bcde\"";
    EXPECT_EQ(std::string(out, 4), "bcde");
    EXPECT_EQ(ring.copy(std::span<char>(out, 1), count), 0u);
    EXPECT_EQ(count, 0u) << "not even the head fits";
    EXPECT_EQ(ring.size(), 4u) << "copying takes nothing out";
    ring.written(4, release);
    EXPECT_EQ(ring.copy(out, count), 5u);
    EXPECT_EQ(count, 2u);
    EXPECT_EQ(std::string(out, 5), "fghij");
    ring.clear(false, release);
    EXPECT_EQ(ring.copy(out, count), 0u);
    EXPECT_EQ(count, 0u);
}

TEST(SendRing, GrowsPastItsCapacityWhileWrappedAndKeepsTheOrder) {
    send_ring ring;
    std::vector<realtime::out_frame*> all;
    std::string expected;
    const auto release = [](realtime::out_frame* x) { x->release(); };
    for (int i = 0; i < 6; ++i) ring.push(frames({std::to_string(i)})[0]);
    ring.written(5, release);  // the head moves on: the ring now wraps when it fills
    expected = "5";
    for (int i = 6; i < 40; ++i) {
        ring.push(frames({std::to_string(i % 10)})[0]);
        expected += std::to_string(i % 10);
    }
    EXPECT_EQ(ring.size(), 35u);
    EXPECT_EQ(gathered(ring), expected);
    EXPECT_EQ(gathered(ring, 3), expected.substr(0, 3)) << "at most `max` buffers";
    ring.clear(false, release);
    EXPECT_TRUE(ring.empty());
}

TEST(SendRing, GrowsOutOfItsInlineSlotsWhileWrappedAndKeepsTheOrder) {
    send_ring ring;
    const auto release = [](realtime::out_frame* x) { x->release(); };
    ring.push(frames({"a"})[0]);
    ring.push(frames({"b"})[0]);
    ring.written(1, release);     // "a" is out: the head is the second inline slot
    ring.push(frames({"c"})[0]);  // wraps into the first
    ring.push(frames({"d"})[0]);  // full: grows onto the heap, in order
    EXPECT_EQ(gathered(ring), "bcd");
    ring.written(4, release);
    EXPECT_TRUE(ring.empty());
}

TEST(SendRing, ClearingKeepsAHalfWrittenHeadWhenAsked) {
    send_ring ring;
    auto f = frames({"head", "tail", "more"});
    for (auto* x : f) ring.push(x);
    ring.written(1, [](realtime::out_frame*) { FAIL() << "nothing is written whole"; });
    std::vector<realtime::out_frame*> dropped;
    ring.clear(true, [&](realtime::out_frame* x) { dropped.push_back(x); });
    EXPECT_EQ(dropped, (std::vector<realtime::out_frame*>{f[1], f[2]}));
    EXPECT_EQ(ring.size(), 1u);
    EXPECT_EQ(gathered(ring), "ead") << "the head goes on from where it stood";
    ring.clear(false, [&](realtime::out_frame* x) { dropped.push_back(x); });
    EXPECT_EQ(ring.head_offset(), 0u);
    for (auto* x : dropped) x->release();
}

TEST(TokenBucket, GivesABurstThenRefillsAtTheRate) {
    token_bucket bucket;
    bucket.fill(100, 0);
    int taken = 0;
    while (bucket.take(100, 0)) ++taken;
    EXPECT_EQ(taken, 100) << "the whole burst at once";
    EXPECT_FALSE(bucket.take(100, 5'000)) << "5 ms refills half a token";
    EXPECT_TRUE(bucket.take(100, 10'000)) << "10 ms refills one";
    EXPECT_FALSE(bucket.take(100, 10'000));
    int later = 0;
    while (bucket.take(100, 60'000'000)) ++later;
    EXPECT_EQ(later, 100) << "a long pause refills no more than the burst";
}

}  // namespace
}  // namespace ordercast::wire
