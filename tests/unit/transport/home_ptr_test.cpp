// A session carried by a callback that finishes on a database or hashing thread is released
// on its own shard (transport/home_ptr.hpp): its destructor touches shard state.
#include "transport/home_ptr.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

namespace ordercast::transport {
namespace {

struct noted {
    explicit noted(std::thread::id* where) : died_on(where) {}
    ~noted() { *died_on = std::this_thread::get_id(); }
    std::thread::id* died_on;
};

TEST(HomePtr, TheLastReferenceDroppedOnAnotherThreadIsReleasedAtHome) {
    boost::asio::io_context home;
    std::thread::id died_on;
    {
        home_ptr<noted, boost::asio::io_context::executor_type> p(std::make_shared<noted>(&died_on),
                                                                  home.get_executor());
        std::thread([moved = std::move(p)] {}).join();  // dropped on a "database thread"
    }
    EXPECT_EQ(died_on, std::thread::id()) << "not destroyed off its shard";
    std::thread loop([&] { home.run(); });
    const auto loop_id = loop.get_id();
    loop.join();
    EXPECT_EQ(died_on, loop_id) << "destroyed on the thread running its io_context";
}

TEST(HomePtr, DroppedAtHomeItIsReleasedAtOnce) {
    boost::asio::io_context home;
    std::thread::id died_on;
    boost::asio::post(home, [&] {
        home_ptr<noted, boost::asio::io_context::executor_type> p(std::make_shared<noted>(&died_on),
                                                                  home.get_executor());
    });
    home.run();
    EXPECT_EQ(died_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace ordercast::transport
