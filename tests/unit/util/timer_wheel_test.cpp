// The shard's deadlines (keepalive, token expiry, unfinished messages, close handshakes) are
// filed on a timer wheel: each item must come up at its deadline — never before it, at most
// a tick after — and a clock step touches only the items whose tick has come.
#include "util/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace ordercast::util {
namespace {

struct item : wheel_hook {
    int id = 0;
    std::int64_t due = 0;
};

// Advances `w` to `now` and returns the ids handed out, leaving them unfiled.
std::vector<int> advance(timer_wheel<item>& w, std::int64_t now) {
    std::vector<int> ids;
    w.advance(now, [&](item& i) { ids.push_back(i.id); });
    std::sort(ids.begin(), ids.end());
    return ids;
}

TEST(TimerWheel, AnItemComesUpAtTheFirstTickAtOrAfterItsDeadlineAndNotBefore) {
    timer_wheel<item> w(10'000, 1000, 30'000);
    item a, b, c;
    a.id = 1, b.id = 2, c.id = 3;
    w.schedule(a, 11'000);  // exactly on a tick
    w.schedule(b, 11'001);  // just after one: the next tick
    w.schedule(c, 15'500);
    EXPECT_EQ(w.size(), 3u);
    EXPECT_TRUE(advance(w, 10'999).empty());
    EXPECT_EQ(advance(w, 11'000), std::vector<int>{1});
    EXPECT_TRUE(advance(w, 11'999).empty());
    EXPECT_EQ(advance(w, 12'000), std::vector<int>{2});
    EXPECT_TRUE(advance(w, 15'999).empty());
    EXPECT_EQ(advance(w, 16'000), std::vector<int>{3});
    EXPECT_TRUE(w.empty());
    EXPECT_FALSE(a.filed());
}

TEST(TimerWheel, ADeadlineAlreadyPastComesUpAtTheNextTick) {
    timer_wheel<item> w(10'000, 1000, 30'000);
    item a;
    a.id = 7;
    w.schedule(a, 0);
    EXPECT_TRUE(advance(w, 10'999).empty());
    EXPECT_EQ(advance(w, 11'000), std::vector<int>{7});
}

TEST(TimerWheel, ADeadlineBeyondTheHorizonComesUpEarlyAtTheHorizonAndCanBeFiledAgain) {
    timer_wheel<item> w(0, 1000, 10'000);  // 64 slots: the smallest wheel
    item a;
    a.id = 1;
    a.due = 200'000;
    int seen = 0;
    std::int64_t last = 0;
    for (std::int64_t now = 1000; now <= 200'000; now += 1000) {
        w.advance(now, [&](item& i) {
            ++seen;
            last = now;
            if (now < i.due) w.schedule(i, i.due);  // not yet: the owner files it again
        });
        if (now == 1000) {
            EXPECT_EQ(seen, 0);
            w.schedule(a, a.due);
        }
    }
    EXPECT_EQ(last, 200'000);
    EXPECT_FALSE(a.filed());
    // 200 s over a 63-tick horizon: handed out four times, the last at its deadline.
    EXPECT_EQ(seen, 4);
}

TEST(TimerWheel, BringForwardMovesAnItemOnlyToAnEarlierTick) {
    timer_wheel<item> w(0, 1000, 30'000);
    item a;
    a.id = 1;
    w.schedule(a, 20'000);
    w.bring_forward(a, 25'000);  // later: stays at 20 s
    EXPECT_TRUE(advance(w, 19'999).empty());
    w.bring_forward(a, 19'000);  // earlier than filed, already past: the next tick
    EXPECT_TRUE(advance(w, 19'999).empty());
    EXPECT_EQ(advance(w, 20'000), std::vector<int>{1});

    item b;
    b.id = 2;
    w.bring_forward(b, 23'000);  // not filed: files it
    EXPECT_EQ(w.size(), 1u);
    EXPECT_EQ(advance(w, 23'000), std::vector<int>{2});
}

TEST(TimerWheel, ARemovedItemNeverComesUp) {
    timer_wheel<item> w(0, 1000, 30'000);
    item a, b;
    a.id = 1, b.id = 2;
    w.schedule(a, 5000);
    w.schedule(b, 5000);
    w.remove(a);
    w.remove(a);  // twice is harmless
    EXPECT_EQ(w.size(), 1u);
    EXPECT_EQ(advance(w, 60'000), std::vector<int>{2});
}

TEST(TimerWheel, TicksMissedWhileTheLoopWasBusyAreCaughtUpInOneAdvance) {
    timer_wheel<item> w(0, 1000, 30'000);
    std::vector<item> items(40);
    for (int i = 0; i < 40; ++i) {
        items[i].id = i;
        w.schedule(items[i], (i + 1) * 1000);
    }
    // A stall far longer than the wheel's horizon: every item comes up once.
    auto ids = advance(w, 500'000);
    ASSERT_EQ(ids.size(), 40u);
    for (int i = 0; i < 40; ++i) EXPECT_EQ(ids[i], i);
    EXPECT_TRUE(w.empty());
}

TEST(TimerWheel, AnItemFiledAgainWhileItsSlotIsHandedOutWaitsForItsNextDeadline) {
    timer_wheel<item> w(0, 1000, 30'000);
    item a;
    a.id = 1;
    w.schedule(a, 1000);
    int calls = 0;
    for (std::int64_t now = 1000; now <= 31'000; now += 1000) {
        w.advance(now, [&](item& i) {
            ++calls;
            w.schedule(i, now);  // "due now" again: not before the next tick
        });
    }
    EXPECT_EQ(calls, 31);  // once per tick, not in a loop within one
    EXPECT_TRUE(a.filed());
}

TEST(TimerWheel, ManyRandomDeadlinesEachComeUpWithinOneTickAfterThem) {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::int64_t> delay(0, 90'000);
    timer_wheel<item> w(1'000'000, 250, 30'000);
    std::vector<item> items(5000);
    for (std::size_t i = 0; i < items.size(); ++i) {
        items[i].id = static_cast<int>(i);
        items[i].due = 1'000'000 + delay(rng);
        w.schedule(items[i], items[i].due);
    }
    std::map<int, std::int64_t> came;
    for (std::int64_t now = 1'000'000; now <= 1'100'000; now += 250) {
        w.advance(now, [&](item& i) {
            if (now < i.due) return w.schedule(i, i.due);  // beyond the horizon: again
            came[i.id] = now;
        });
    }
    ASSERT_EQ(came.size(), items.size());
    for (const auto& i : items) {
        EXPECT_GE(came[i.id], i.due) << i.id;
        EXPECT_LT(came[i.id], i.due + 250) << i.id;
    }
}

TEST(TimerWheel, ItemsListsEveryFiledItemOnce) {
    timer_wheel<item> w(0, 1000, 30'000);
    std::vector<item> items(100);
    for (int i = 0; i < 100; ++i) {
        items[i].id = i;
        w.schedule(items[i], i * 997);
    }
    auto all = w.items();
    std::sort(all.begin(), all.end());
    EXPECT_EQ(std::unique(all.begin(), all.end()), all.end());
    EXPECT_EQ(all.size(), 100u);
}

}  // namespace
}  // namespace ordercast::util
