// The sequencer on its own (docs/protocol.md §10): a fake delivery records what is handed on,
// the hold-back timer and the log reads are answered by the test.
#include "eventlog/sequencer.hpp"

#include <gtest/gtest.h>

#include "realtime/protocol.hpp"

namespace ordercast::eventlog {
namespace {

struct recording : realtime::delivery {
    std::vector<std::int64_t> ids;
    void deliver(std::shared_ptr<const realtime::event> e,
                 std::function<void(std::size_t)> done) override {
        ids.push_back(e->id);
        if (done) done(1);
    }
    void count_rooms(std::function<void(std::size_t)>) override {}
    void reassign_manager_cities(std::int64_t, std::vector<std::int64_t>) override {}
};

std::shared_ptr<const realtime::event> ev(std::int64_t id) {
    return std::make_shared<const realtime::event>(
        realtime::event{id, {"admin-orders"}, realtime::logged_event_message(id, "t", "{}")});
}

domain::logged_event logged(std::int64_t id) {
    return {id, {"admin-orders"}, "t", "{}", 0};
}

class Sequencer : public ::testing::Test {
protected:
    struct read_call {
        std::int64_t after;
        int limit;
        std::function<void(std::optional<sequencer::events>)> done;
    };
    recording out_;
    std::vector<read_call> reads_;
    std::vector<std::function<void()>> timers_;
    sequencer seq_{out_,
                   [this](std::int64_t after, int limit,
                          std::function<void(std::optional<sequencer::events>)> done) {
                       reads_.push_back({after, limit, std::move(done)});
                   },
                   [this](std::chrono::milliseconds, std::function<void()> f) {
                       timers_.push_back(std::move(f));
                   }};

    void fire_timer() {
        ASSERT_EQ(timers_.size(), 1u) << "one hold-back timer armed";
        auto f = std::move(timers_.front());
        timers_.clear();
        f();
    }
    void answer_read(std::vector<std::int64_t> ids) {
        ASSERT_EQ(reads_.size(), 1u);
        auto call = std::move(reads_.front());
        reads_.clear();
        sequencer::events events;
        for (auto id : ids) events.push_back(logged(id));
        call.done(std::move(events));
    }
};

TEST_F(Sequencer, HandsOnEventsThatArriveInOrderAtOnce) {
    seq_.start(10);
    for (std::int64_t id : {11, 12, 13}) seq_.deliver(ev(id), nullptr);
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{11, 12, 13}));
    EXPECT_TRUE(timers_.empty());
    EXPECT_EQ(seq_.position(), 13);
}

TEST_F(Sequencer, HoldsAnEventBackUntilItsPredecessorArrives) {
    seq_.start(0);
    std::size_t reported = 99;
    seq_.deliver(ev(3), [&](std::size_t n) { reported = n; });
    seq_.deliver(ev(2), nullptr);
    EXPECT_TRUE(out_.ids.empty()) << "3 and 2 wait for 1";
    EXPECT_EQ(reported, 99u) << "the publisher hears back only once it is delivered";
    seq_.deliver(ev(1), nullptr);
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(reported, 1u);
    EXPECT_EQ(seq_.figures().held_back, 2u);
}

TEST_F(Sequencer, DropsWhatItHasAlreadyHandedOn) {
    seq_.start(5);
    std::vector<std::size_t> reports;
    seq_.deliver(ev(5), [&](std::size_t n) { reports.push_back(n); });  // history
    seq_.deliver(ev(6), nullptr);
    seq_.deliver(ev(6), [&](std::size_t n) { reports.push_back(n); });  // its twin
    seq_.deliver(ev(8), nullptr);
    seq_.deliver(ev(8), [&](std::size_t n) { reports.push_back(n); });  // held twice
    seq_.deliver(ev(7), nullptr);
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{6, 7, 8}));
    EXPECT_EQ(reports, (std::vector<std::size_t>{0, 0, 0}));
}

TEST_F(Sequencer, FillsAGapFromTheLogWhenThePredecessorDoesNotCome) {
    seq_.start(0);
    seq_.deliver(ev(1), nullptr);
    seq_.deliver(ev(4), nullptr);
    seq_.deliver(ev(5), nullptr);
    EXPECT_EQ(out_.ids, std::vector<std::int64_t>{1});
    ASSERT_TRUE(reads_.empty()) << "nothing is read before the hold-back ends";
    fire_timer();
    ASSERT_EQ(reads_.size(), 1u);
    EXPECT_EQ(reads_[0].after, 1) << "reads from the position on";
    answer_read({2, 3, 4, 5});
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{1, 2, 3, 4, 5})) << "each once, in order";
    EXPECT_EQ(seq_.figures().gap_fills, 1u);
    EXPECT_EQ(seq_.figures().filled, 2u) << "4 and 5 were held: only 2 and 3 came from the log";
    EXPECT_TRUE(timers_.empty());
    seq_.deliver(ev(3), nullptr);  // late twin from Redis
    EXPECT_EQ(out_.ids.size(), 5u);
}

TEST_F(Sequencer, RetriesAGapFillTheDatabaseFailed) {
    seq_.start(0);
    seq_.deliver(ev(2), nullptr);
    fire_timer();
    ASSERT_EQ(reads_.size(), 1u);
    auto failed = std::move(reads_.front().done);
    reads_.clear();
    failed(std::nullopt);
    EXPECT_TRUE(out_.ids.empty());
    fire_timer();
    answer_read({1, 2});
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{1, 2}));
}

// A catch-up after a Redis outage whose read fails (the database is down too) is tried
// again until it succeeds, even with nothing held back: otherwise the events published
// during the outage reach nobody until some unrelated event arrives.
TEST_F(Sequencer, RetriesACatchUpTheDatabaseFailedWithNothingHeldBack) {
    seq_.start(10);
    seq_.catch_up();
    ASSERT_EQ(reads_.size(), 1u);
    auto failed = std::move(reads_.front().done);
    reads_.clear();
    failed(std::nullopt);
    fire_timer();
    ASSERT_EQ(reads_.size(), 1u) << "read again";
    EXPECT_EQ(reads_[0].after, 10);
    answer_read({11, 12});
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{11, 12}));
    EXPECT_TRUE(timers_.empty()) << "nothing left to retry";
}

// Events committed elsewhere that never come through the broker (their publisher died with
// the message) are read once a poll of the head finds them still missing a poll later.
TEST_F(Sequencer, ReadsEventsAPollOfTheHeadFoundMissingAPollLater) {
    seq_.start(10);
    seq_.observe_head(12);
    EXPECT_TRUE(reads_.empty()) << "the feeds get one interval to bring 11 and 12";
    seq_.observe_head(12);
    ASSERT_EQ(reads_.size(), 1u) << "still missing: read from the log";
    answer_read({11, 12});
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{11, 12}));
    EXPECT_EQ(seq_.figures().stale, 1u);
    seq_.deliver(ev(13), nullptr);
    seq_.observe_head(13);
    seq_.observe_head(13);
    EXPECT_TRUE(reads_.empty()) << "delivered in time: no read";
}

TEST_F(Sequencer, SkipsIdsTheLogNoLongerHolds) {
    seq_.start(0);
    seq_.deliver(ev(9), nullptr);
    fire_timer();
    answer_read({7, 8, 9});  // 1..6 were pruned
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{7, 8, 9}));
    EXPECT_EQ(seq_.figures().skipped, 6u);
}

TEST_F(Sequencer, CatchesUpFromTheLogInBatchesAfterABrokerOutage) {
    seq_.start(100);
    seq_.catch_up();
    ASSERT_EQ(reads_.size(), 1u);
    EXPECT_EQ(reads_[0].after, 100);
    std::vector<std::int64_t> batch;
    for (int i = 1; i <= sequencer::read_batch; ++i) batch.push_back(100 + i);
    answer_read(batch);
    ASSERT_EQ(reads_.size(), 1u) << "a full batch: there may be more behind it";
    EXPECT_EQ(reads_[0].after, 100 + sequencer::read_batch);
    answer_read({100 + sequencer::read_batch + 1});
    EXPECT_TRUE(reads_.empty());
    EXPECT_EQ(out_.ids.size(), static_cast<std::size_t>(sequencer::read_batch) + 1);
    EXPECT_EQ(out_.ids.back(), 100 + sequencer::read_batch + 1);
}

TEST_F(Sequencer, EventsBeforeStartWaitForIt) {
    seq_.deliver(ev(4), nullptr);
    seq_.deliver(ev(6), nullptr);
    EXPECT_TRUE(out_.ids.empty());
    EXPECT_TRUE(timers_.empty());
    seq_.start(4);
    EXPECT_TRUE(out_.ids.empty()) << "4 is history, 6 waits for 5";
    seq_.deliver(ev(5), nullptr);
    EXPECT_EQ(out_.ids, (std::vector<std::int64_t>{5, 6}));
}

}  // namespace
}  // namespace ordercast::eventlog
