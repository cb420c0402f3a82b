// The hand-off to the database (storage/db_executor.hpp): nothing ever calls back on the
// caller's stack, and every outcome — result, refusal, failed database, domain error, any
// other exception — reaches the caller once, through one adapter. The appender and the
// replay service are stepped with a fake executor; db_worker itself is checked for real.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

#include "api/db_call.hpp"
#include "eventlog/appender.hpp"
#include "eventlog/replay.hpp"
#include "storage/database_url.hpp"
#include "storage/db_call.hpp"
#include "storage/db_worker.hpp"
#include "support/fake_db_executor.hpp"
#include "support/temp_dir.hpp"

namespace ordercast::storage {
namespace {

using testing::fake_db_executor;

class DbHandOff : public ::testing::Test {
protected:
    std::filesystem::path dir_ = testing::make_temp_dir();
    std::string path_ = (dir_ / "db.sqlite").string();
    std::unique_ptr<domain::repository> repo_ = open_sqlite(path_);
    fake_db_executor db_;

    ~DbHandOff() override { std::filesystem::remove_all(dir_); }

    // The database breaks under the repository: every read of the log fails from now on.
    void break_event_log() {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(raw, "DROP TABLE events; DROP TABLE event_head", nullptr, nullptr,
                               nullptr),
                  SQLITE_OK);
        sqlite3_close(raw);
    }
};

// The first promise, checked on the real worker: a refusal for a full queue and for a
// stopped worker runs on another thread, after post has returned.
TEST(DbWorker, NeverRunsARefusalOnTheCallersStack) {
    const auto dir = testing::make_temp_dir();
    db_worker worker([&] { return open_sqlite((dir / "db.sqlite").string()); },
                     {.connections = 1, .max_queued = 1});
    std::latch release(1);
    std::promise<void> busy;
    worker.post([&](domain::repository&) { busy.set_value(), release.wait(); }, nullptr);
    busy.get_future().wait();
    worker.post([](domain::repository&) {}, nullptr);  // fills the queue
    std::promise<std::thread::id> refused_on;
    worker.post([](domain::repository&) {},
                [&] { refused_on.set_value(std::this_thread::get_id()); });
    const auto full = refused_on.get_future().get();
    EXPECT_NE(full, std::this_thread::get_id()) << "queue full: refused on another thread";
    release.count_down();
    worker.stop();
    std::promise<std::thread::id> stopped_on;
    worker.post([](domain::repository&) {},
                [&] { stopped_on.set_value(std::this_thread::get_id()); });
    EXPECT_NE(stopped_on.get_future().get(), std::this_thread::get_id())
        << "stopped: refused on another thread";
    std::filesystem::remove_all(dir);
}

TEST_F(DbHandOff, EveryOutcomeReachesTheCallerOnceThroughOneShape) {
    std::vector<db_outcome<int>> seen;
    auto keep = [&](db_outcome<int> o) { seen.push_back(std::move(o)); };
    run_on_db(
        db_, [](domain::repository&) { return 7; }, keep);
    run_on_db(
        db_, [](domain::repository&) -> int { throw storage_error("gone"); }, keep);
    run_on_db(
        db_,
        [](domain::repository&) -> int {
            throw domain::error(domain::error::kind::conflict, "taken", "no");
        },
        keep);
    run_on_db(
        db_, [](domain::repository&) -> int { throw std::logic_error("bug"); }, keep);
    EXPECT_TRUE(seen.empty()) << "nothing runs on the caller's stack";
    db_.run_queued(*repo_);
    db_.refusing = true;
    run_on_db(
        db_, [](domain::repository&) { return 1; }, keep);
    db_.run_queued(*repo_);
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[0].value, 7);
    EXPECT_EQ(seen[1].failure, db_failure::unavailable);
    EXPECT_EQ(seen[2].failure, db_failure::refused);
    EXPECT_EQ(seen[2].refusal->code, "taken");
    EXPECT_EQ(seen[3].failure, db_failure::internal);
    EXPECT_EQ(seen[4].failure, db_failure::busy);
    EXPECT_EQ(db_.escaped(), 1) << "only storage_error goes on to the worker (marks it unhealthy)";
}

// The HTTP path: every outcome is an answer with a status and a JSON error — none is lost.
TEST_F(DbHandOff, EveryHttpRequestGetsAnAnswerWhateverTheDatabaseDoes) {
    std::vector<api::response> answers;
    auto respond = [&](api::response r) { answers.push_back(std::move(r)); };
    api::db_call(db_, respond, [](domain::repository&) {
        return api::error_response(api::http::status::ok, "x", "fine");
    });
    api::db_call(db_, respond,
                 [](domain::repository&) -> api::response { throw storage_error("down"); });
    api::db_call(db_, respond, [](domain::repository&) -> api::response {
        throw domain::error(domain::error::kind::not_found, "order-not-found", "no such order");
    });
    api::db_call(db_, respond,
                 [](domain::repository&) -> api::response { throw std::bad_alloc(); });
    db_.run_queued(*repo_);
    db_.refusing = true;
    api::db_call(db_, respond, [](domain::repository&) { return api::response{}; });
    db_.run_queued(*repo_);
    ASSERT_EQ(answers.size(), 5u);
    EXPECT_EQ(answers[0].result_int(), 200);
    EXPECT_EQ(answers[1].result_int(), 503);
    EXPECT_NE(answers[1].body().find("database-unavailable"), std::string::npos);
    EXPECT_EQ(answers[2].result_int(), 404);
    EXPECT_NE(answers[2].body().find("order-not-found"), std::string::npos);
    EXPECT_EQ(answers[3].result_int(), 500);
    EXPECT_EQ(answers[4].result_int(), 503);
    EXPECT_NE(answers[4].body().find("database-busy"), std::string::npos);
}

// The appender is called with its lock free: a refused batch answers busy, and a caller that
// publishes again from its failure callback (as a retrying publisher would) does not hang.
TEST_F(DbHandOff, TheAppenderAnswersRefusedAndFailedBatchesAndKeepsGoing) {
    std::vector<std::function<void()>> handed;
    eventlog::appender appender(db_,
                                [&](std::function<void()> f) { handed.push_back(std::move(f)); });
    std::vector<eventlog::appender::failure> outcomes;
    std::vector<std::int64_t> ids;
    auto done = [&](domain::logged_event e, eventlog::appender::failure f) {
        outcomes.push_back(f);
        if (f == eventlog::appender::failure::none) ids.push_back(e.id);
    };
    db_.refusing = true;
    appender.append({0, {"admin-orders"}, "t", "{}", 0}, [&](domain::logged_event e, auto f) {
        done(std::move(e), f);
        appender.append({0, {"admin-orders"}, "t", "{}", 0}, done);  // again, from the callback
    });
    EXPECT_TRUE(outcomes.empty()) << "no answer on the caller's stack";
    db_.run_queued(*repo_);
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0], eventlog::appender::failure::busy);
    EXPECT_EQ(outcomes[1], eventlog::appender::failure::busy);

    db_.refusing = false;
    appender.append({0, {"admin-orders"}, "t", "{}", 0}, done);
    appender.append({0, {"admin-orders"}, "t", "{}", 0}, done);
    db_.run_queued(*repo_);
    for (auto& f : handed) f();
    EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2})) << "logged in order";

    break_event_log();
    appender.append({0, {"admin-orders"}, "t", "{}", 0}, done);
    db_.run_queued(*repo_);
    EXPECT_EQ(outcomes.back(), eventlog::appender::failure::unavailable);
    EXPECT_EQ(db_.escaped(), 1);
}

// The freeze found in production: a resume refused while the service held its lock. Now a
// refusal reaches each waiting resume as `unavailable` (close 1013), and resumes asked for
// from inside an answer are served too.
TEST_F(DbHandOff, TheReplayServiceAnswersEveryResumeWhenRefusedOrFailing) {
    eventlog::replay_stats stats;
    eventlog::replay_service replays(db_, 100, 1, stats);
    using outcome = realtime::resume_answer::outcome;
    std::vector<outcome> answers;
    auto done = [&](realtime::resume_answer a) { answers.push_back(a.result); };
    db_.refusing = true;
    replays.resume({"0", {"admin-orders"}}, [&](realtime::resume_answer a) {
        done(std::move(a));
        replays.resume({"0", {"admin-orders"}}, done);
    });
    replays.resume({"0", {"admin-orders"}}, done);
    EXPECT_TRUE(answers.empty());
    db_.run_queued(*repo_);
    EXPECT_EQ(answers, (std::vector<outcome>(3, outcome::unavailable)));

    db_.refusing = false;
    answers.clear();
    replays.resume({"0", {"admin-orders"}}, done);
    replays.resume({"5", {"admin-orders"}}, done);
    db_.run_queued(*repo_);
    EXPECT_EQ(answers, (std::vector<outcome>{outcome::replayed, outcome::unknown_position}));

    break_event_log();
    answers.clear();
    replays.resume({"0", {"admin-orders"}}, done);
    db_.run_queued(*repo_);
    EXPECT_EQ(answers, (std::vector<outcome>{outcome::unavailable}));
    EXPECT_EQ(stats.unavailable, 4u);
}

}  // namespace
}  // namespace ordercast::storage
