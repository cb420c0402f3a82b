// One suite, every broker: what the rest of the server may rely on.
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "broker/broker.hpp"
#include "broker/redis_broker.hpp"
#include "support/redis_process.hpp"

#include <hiredis/hiredis.h>

namespace ordercast::broker {
namespace {

// Stands in for one instance's shards: records what it is asked to deliver.
class recording_delivery final : public realtime::delivery {
public:
    void deliver(std::shared_ptr<const realtime::event> e,
                 std::function<void(std::size_t)> done) override {
        {
            std::lock_guard guard(lock_);
            payloads_.push_back(e->payload);
        }
        changed_.notify_all();
        if (done) done(1);
    }
    void count_rooms(std::function<void(std::size_t)> done) override { done(0); }
    void reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) override {
        {
            std::lock_guard guard(lock_);
            std::string change = "manager " + std::to_string(user_id) + ":";
            for (auto c : cities) change += " " + std::to_string(c);
            payloads_.push_back(change);
        }
        changed_.notify_all();
    }

    // Waits (bounded) until `n` deliveries have been recorded; returns them.
    std::vector<std::string> wait_for(std::size_t n) {
        std::unique_lock guard(lock_);
        changed_.wait_for(guard, std::chrono::seconds(10), [&] { return payloads_.size() >= n; });
        return payloads_;
    }

private:
    std::mutex lock_;
    std::condition_variable changed_;
    std::vector<std::string> payloads_;
};

// "a17": GCC 12 misreads `label('a', i)` at -O3 (a false -Wrestrict).
std::string label(char prefix, int i) {
    std::string s(1, prefix);
    s.append(std::to_string(i));
    return s;
}

// What a server publishes: a JSON event with a type and a log id; `label` tells the events
// apart (ordering by id is the sequencer's business, not the broker's).
std::string payload(const std::string& label) {
    return R"({"type":"test","id":1,"data":{"label":")" + label + R"("}})";
}

std::shared_ptr<const realtime::event> event(const std::string& label) {
    return std::make_shared<const realtime::event>(
        realtime::event{1, {"admin-orders", "user-1"}, payload(label)});
}

// Waits (bounded) until `b` is subscribed: readiness is what /readyz reports too.
void wait_healthy(const broker& b) {
    for (int i = 0; i < 200 && !b.healthy(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

// Two instances, each with its broker of the kind under test.
struct cluster {
    recording_delivery here, there;
    std::unique_ptr<testing::redis_process> redis;
    std::unique_ptr<broker> a, b;  // b is null for the in-process broker: it has no peers

    explicit cluster(const std::string& kind) {
        if (kind == "local") {
            a = std::make_unique<local_broker>(here);
            return;
        }
        redis = std::make_unique<testing::redis_process>();
        redis_endpoint e;
        e.port = redis->port();
        a = std::make_unique<redis_broker>(e, here);
        b = std::make_unique<redis_broker>(e, there);
        wait_healthy(*a);
        wait_healthy(*b);
    }
};

class BrokerContract : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokerContract, DeliversLocallyAtOnceAndReportsRecipients) {
    cluster c(GetParam());
    ASSERT_TRUE(c.a->healthy());
    std::size_t recipients = 0;
    c.a->publish(event("one"), [&](std::size_t n) { recipients = n; });
    EXPECT_EQ(recipients, 1u) << "the local part is delivered before publish returns";
    EXPECT_EQ(c.here.wait_for(1), std::vector<std::string>{payload("one")});
}

TEST_P(BrokerContract, EveryInstanceGetsEveryEventOnceInOrder) {
    cluster c(GetParam());
    for (int i = 0; i < 100; ++i) c.a->publish(event(label('a', i)), nullptr);
    std::vector<std::string> expected;
    for (int i = 0; i < 100; ++i) expected.push_back(payload(label('a', i)));
    if (!c.b) {
        EXPECT_EQ(c.here.wait_for(100), expected);
        return;
    }
    for (int i = 0; i < 100; ++i) c.b->publish(event(label('b', i)), nullptr);
    std::vector<std::string> from_b;
    for (int i = 0; i < 100; ++i) from_b.push_back(payload(label('b', i)));
    auto here = c.here.wait_for(200);
    auto there = c.there.wait_for(200);
    ASSERT_EQ(here.size(), 200u) << "no duplicates, nothing lost";
    ASSERT_EQ(there.size(), 200u);
    // Each publisher's events keep their order wherever they arrive.
    auto only = [](const std::vector<std::string>& all, char prefix) {
        std::vector<std::string> out;
        for (const auto& p : all) {
            if (p.find(std::string(R"("label":")") + prefix) != std::string::npos) out.push_back(p);
        }
        return out;
    };
    EXPECT_EQ(only(here, 'a'), expected);
    EXPECT_EQ(only(there, 'a'), expected);
    EXPECT_EQ(only(here, 'b'), from_b);
    EXPECT_EQ(only(there, 'b'), from_b);
}

TEST_P(BrokerContract, AManagersNewCitiesReachEveryInstance) {
    cluster c(GetParam());
    c.a->reassign_manager_cities(50, {2, 3});
    const std::vector<std::string> change = {"manager 50: 2 3"};
    EXPECT_EQ(c.here.wait_for(1), change) << "this instance's sockets move at once";
    if (c.b) {
        EXPECT_EQ(c.there.wait_for(1), change) << "and every other instance's too";
    }
}

INSTANTIATE_TEST_SUITE_P(Brokers, BrokerContract, ::testing::Values("local", "redis"),
                         [](const auto& param_info) { return param_info.param; });

// Anyone who reaches Redis can publish on the channel: what does not look like one of our
// messages is dropped and counted, and the rest keeps flowing.
TEST(RedisBroker, DropsForgedOrBrokenMessagesReadFromRedis) {
    testing::redis_process redis;
    recording_delivery here;
    redis_endpoint e;
    e.port = redis.port();
    redis_broker subscriber(e, here);
    wait_healthy(subscriber);
    redisContext* raw = redisConnect("127.0.0.1", redis.port());
    ASSERT_TRUE(raw && !raw->err);
    const std::string three_mb(3 << 20, 'x');
    const std::vector<std::string> bad = {
        "intruder\nadmin-orders\n" + std::string(R"({"type":"x","data":{"t":"\xff\xfe"}})"),
        "intruder\nadmin-orders,user-007\n" + payload("bad-room"),
        "intruder\nall-rooms\n" + payload("unknown-room"),
        "intruder\nadmin-orders\n" + std::string(R"({"type":"x","data":{"big":")") + three_mb +
            "\"}}",
        "intruder\nadmin-orders\nnot json",
        "intruder\nadmin-orders\n" + std::string(R"({"type":"Bad Type","data":{}})"),
        "intruder\n!manager-cities\n50:1,x",
        "no-newlines-at-all",
    };
    for (const auto& message : bad) {
        auto* r = static_cast<redisReply*>(
            redisCommand(raw, "PUBLISH ordercast:events %b", message.data(), message.size()));
        ASSERT_TRUE(r);
        freeReplyObject(r);
    }
    const std::string good = "intruder\nadmin-orders\n" + payload("fine");
    auto* r = static_cast<redisReply*>(
        redisCommand(raw, "PUBLISH ordercast:events %b", good.data(), good.size()));
    freeReplyObject(r);
    redisFree(raw);
    EXPECT_EQ(here.wait_for(1), std::vector<std::string>{payload("fine")})
        << "only the well-formed message is delivered";
    EXPECT_EQ(subscriber.dropped(), bad.size());
}

// REDIS_URL=redis://:password@host: both connections AUTH; a wrong password leaves the
// broker down (and /readyz degraded) instead of half-working.
TEST(RedisBroker, AuthenticatesWithThePasswordOfItsUrl) {
    testing::redis_process redis("s3cret-pass");
    auto good = parse_redis_url("redis://:s3cret-pass@127.0.0.1:" + std::to_string(redis.port()));
    auto wrong = parse_redis_url("redis://:nope@127.0.0.1:" + std::to_string(redis.port()));
    ASSERT_TRUE(good && wrong);
    recording_delivery here, there;
    redis_broker a(*good, here), b(*good, there), refused(*wrong, here);
    wait_healthy(a);
    wait_healthy(b);
    ASSERT_TRUE(a.healthy());
    a.publish(event("with-auth"), nullptr);
    EXPECT_EQ(there.wait_for(1), std::vector<std::string>{payload("with-auth")});
    EXPECT_FALSE(refused.healthy());
}

}  // namespace
}  // namespace ordercast::broker
