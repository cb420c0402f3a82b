// Events reach a shard in the order they are handed over, whichever thread hands them over
// (docs/protocol.md §10: increasing ids on every socket). The break this pins: Asio runs a post
// made from the loop's own thread after the handler under way, behind posts other threads
// made meanwhile, so an event handed over on the shard's thread (a local publish) was
// overtaken by the next one handed over from a database thread.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "realtime/event.hpp"
#include "realtime/protocol.hpp"
#include "transport/shard_pool.hpp"

namespace ordercast::transport {
namespace {

struct recording final : realtime::subscriber {
    std::vector<std::int64_t> ids;
    bool push(realtime::out_frame*, std::int64_t event_id) override {
        ids.push_back(event_id);
        return false;
    }
};

std::shared_ptr<const realtime::event> ev(std::int64_t id) {
    return std::make_shared<const realtime::event>(
        realtime::event{id, {"admin-orders"}, realtime::logged_event_message(id, "t", "{}")});
}

TEST(ShardOrder, AnEventHandedOverOnTheShardsThreadIsNotOvertakenByOneFromAnother) {
    metrics::registry metrics(1);
    shard_pool pool(1, {}, metrics);
    recording sub;
    ASSERT_EQ(pool.at(0).rooms().join(sub, "admin-orders", 8), realtime::hub::join_result::joined);
    std::promise<void> delivered;
    auto remaining = std::make_shared<std::atomic<int>>(2);
    auto done = [&, remaining](std::size_t) {
        if (remaining->fetch_sub(1) == 1) delivered.set_value();
    };
    std::thread loop([&] { pool.run(); });
    boost::asio::post(pool.at(0).io(), [&] {
        pool.deliver(ev(1), done);  // from the shard's own thread
        // Event 2 follows from another thread while this handler still runs.
        std::thread([&] { pool.deliver(ev(2), done); }).join();
    });
    ASSERT_EQ(delivered.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    std::promise<std::vector<std::int64_t>> seen;
    boost::asio::post(pool.at(0).io(), [&] {
        pool.at(0).rooms().leave_all(sub);
        seen.set_value(sub.ids);
    });
    EXPECT_EQ(seen.get_future().get(), (std::vector<std::int64_t>{1, 2}));
    pool.shutdown();
    loop.join();
}

}  // namespace
}  // namespace ordercast::transport
