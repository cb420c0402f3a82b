// One suite, every broker: what the rest of the server may rely on.
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "broker/broker.hpp"
#include "broker/redis_broker.hpp"
#include "support/redis_process.hpp"

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

std::shared_ptr<const realtime::event> event(std::string payload) {
    return std::make_shared<const realtime::event>(
        realtime::event{{"admin-orders", "user-1"}, std::move(payload)});
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
        // Subscribed before publishing: readiness is what /readyz reports too.
        for (int i = 0; i < 200 && !(a->healthy() && b->healthy()); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
    }
};

class BrokerContract : public ::testing::TestWithParam<std::string> {};

TEST_P(BrokerContract, DeliversLocallyAtOnceAndReportsRecipients) {
    cluster c(GetParam());
    ASSERT_TRUE(c.a->healthy());
    std::size_t recipients = 0;
    c.a->publish(event("one"), [&](std::size_t n) { recipients = n; });
    EXPECT_EQ(recipients, 1u) << "the local part is delivered before publish returns";
    EXPECT_EQ(c.here.wait_for(1), std::vector<std::string>{"one"});
}

TEST_P(BrokerContract, EveryInstanceGetsEveryEventOnceInOrder) {
    cluster c(GetParam());
    for (int i = 0; i < 100; ++i) c.a->publish(event(label('a', i)), nullptr);
    std::vector<std::string> expected;
    for (int i = 0; i < 100; ++i) expected.push_back(label('a', i));
    if (!c.b) {
        EXPECT_EQ(c.here.wait_for(100), expected);
        return;
    }
    for (int i = 0; i < 100; ++i) c.b->publish(event(label('b', i)), nullptr);
    std::vector<std::string> from_b;
    for (int i = 0; i < 100; ++i) from_b.push_back(label('b', i));
    auto here = c.here.wait_for(200);
    auto there = c.there.wait_for(200);
    ASSERT_EQ(here.size(), 200u) << "no duplicates, nothing lost";
    ASSERT_EQ(there.size(), 200u);
    // Each publisher's events keep their order wherever they arrive.
    auto only = [](const std::vector<std::string>& all, char prefix) {
        std::vector<std::string> out;
        for (const auto& p : all) {
            if (p[0] == prefix) out.push_back(p);
        }
        return out;
    };
    EXPECT_EQ(only(here, 'a'), expected);
    EXPECT_EQ(only(there, 'a'), expected);
    EXPECT_EQ(only(here, 'b'), from_b);
    EXPECT_EQ(only(there, 'b'), from_b);
}

INSTANTIATE_TEST_SUITE_P(Brokers, BrokerContract, ::testing::Values("local", "redis"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ordercast::broker
