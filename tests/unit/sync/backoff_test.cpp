#include <gtest/gtest.h>

#include "sync/outbox_worker.hpp"

namespace ordercast::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(SyncBackoff, DoublesFromOneSecondToFiveMinutes) {
    EXPECT_EQ(outbox_worker::backoff(1), seconds(1));
    EXPECT_EQ(outbox_worker::backoff(2), seconds(2));
    EXPECT_EQ(outbox_worker::backoff(3), seconds(4));
    EXPECT_EQ(outbox_worker::backoff(9), seconds(256));
    EXPECT_EQ(outbox_worker::backoff(10), seconds(300));
    EXPECT_EQ(outbox_worker::backoff(100), seconds(300));
}

}  // namespace
}  // namespace ordercast::sync
