// The order rules and the repository contract, run against every database: SQLite in a
// temporary folder and a real PostgreSQL started for the suite.
#include "domain/menu_service.hpp"
#include "domain/order_json.hpp"
#include "domain/order_service.hpp"
#include "domain/user_ids.hpp"
#include "eventlog/event_entries.hpp"
#include "eventlog/replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <filesystem>

#include "storage/database_url.hpp"
#include "storage/postgres/pg_db.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/storage_error.hpp"
#include "support/postgres_process.hpp"
#include "support/temp_dir.hpp"
#include "util/clock.hpp"
#include "util/json_text.hpp"

#include <latch>
#include <thread>

namespace ordercast::domain {
namespace {

struct recorded {
    std::vector<std::string> rooms;
    std::string type;
    boost::json::value data;
    std::int64_t id = 0;
};

// The real mapping to rooms; records what was announced after commit.
struct recording_sink : event_sink {
    std::vector<recorded> events;
    std::vector<logged_event> entries(const domain_event& e) const override {
        return eventlog::entries_of(e);
    }
    void committed(std::vector<logged_event> logged) override {
        for (auto& e : logged)
            events.push_back({std::move(e.rooms), e.type, boost::json::parse(e.data), e.id});
    }
};

std::int64_t append(repository& repo, std::vector<std::string> rooms, std::string type,
                    std::string data, std::int64_t at) {
    return repo.append_event({0, std::move(rooms), std::move(type), std::move(data), at}).id;
}

auth::principal as(auth::role r, std::int64_t id, std::vector<std::int64_t> cities = {}) {
    return {.user_id = id, .who = r, .city_ids = std::move(cities), .expires_at = 0};
}

// One PostgreSQL for the whole process; each test gets a database of its own.
testing::postgres_process& postgres() {
    static testing::postgres_process server;
    return server;
}

// A repository on the test's database: SQLite in `dir`, or the PostgreSQL database
// `pg_url` (a new one when empty, which is then stored there so that it can be reopened).
std::unique_ptr<repository> open_repository(const std::string& kind,
                                            const std::filesystem::path& dir, std::string& pg_url,
                                            bool record_outbox = false) {
    if (kind == "sqlite") {
        return storage::open_sqlite((dir / "db.sqlite").string(), record_outbox);
    }
    if (pg_url.empty()) pg_url = postgres().new_database();
    return storage::open_postgres(pg_url, record_outbox);
}

class OrderService : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        dir_ = testing::make_temp_dir();
        repo_ = open_repository(GetParam(), dir_, pg_url_);
        moscow_ = repo_->add_city("Moscow")->id;
        kazan_ = repo_->add_city("Kazan")->id;
        service_ = std::make_unique<order_service>(*repo_, sink_, 5);
    }
    void TearDown() override {
        service_.reset();
        repo_.reset();
        std::filesystem::remove_all(dir_);
    }

    // A new menu item at `price`, sold in `cities` (every city when empty); returns its id.
    std::int64_t dish(kopecks price, std::vector<std::int64_t> cities = {}) {
        menu_item m;
        m.name = "Dish " + std::to_string(++dishes_);
        m.price = price;
        m.cities = std::move(cities);
        return repo_->add_menu_item(m)->id;
    }
    new_order simple(kopecks price, kopecks bonuses = 0) {
        return {.city_id = moscow_,
                .items = {{dish(price), 1}},
                .bonuses_used = bonuses,
                .comment = ""};
    }
    // Gives `user` a balance by completing an order worth 20x the wanted bonus.
    void give_bonus(std::int64_t user, kopecks amount) {
        auto o = service_->create(as(auth::role::user, user), simple(amount * 20));
        for (auto s : {order_status::confirmed, order_status::preparing, order_status::ready,
                       order_status::completed}) {
            service_->change_status(as(auth::role::admin, 1), o.id, s);
        }
    }
    error::kind refusal(const std::function<void()>& f, std::string* code = nullptr) {
        try {
            f();
        } catch (const error& e) {
            if (code) *code = e.code;
            return e.type;
        }
        ADD_FAILURE() << "expected a refusal";
        return error::kind::unavailable;
    }

    std::filesystem::path dir_;
    std::string pg_url_;  // the PostgreSQL database of this test, once opened
    std::unique_ptr<repository> repo_;
    recording_sink sink_;
    std::unique_ptr<order_service> service_;
    std::int64_t moscow_ = 0, kazan_ = 0;
    int dishes_ = 0;
};

TEST_P(OrderService, CreatesAnOrderWithTotalsAndEvents) {
    new_order req{.city_id = moscow_,
                  .items = {{dish(50050), 2}, {dish(1000), 1}},
                  .bonuses_used = 0,
                  .comment = "door 3"};
    auto o = service_->create(as(auth::role::user, 10), req);
    EXPECT_EQ(o.subtotal, 101100);
    EXPECT_EQ(sink_.events.at(0).data, to_json(o)) << "the order object as the 201 has it";
    EXPECT_EQ(o.total, 101100);
    EXPECT_EQ(o.bonuses_earned, 5055);
    EXPECT_EQ(o.status, order_status::pending);
    EXPECT_FALSE(o.order_number.empty());
    ASSERT_EQ(sink_.events.size(), 2u);
    EXPECT_EQ(sink_.events[0].type, "order-created");
    EXPECT_EQ(sink_.events[0].rooms, std::vector<std::string>{"user-10"});
    EXPECT_EQ(sink_.events[1].type, "new-order");
    EXPECT_EQ(
        sink_.events[1].rooms,
        (std::vector<std::string>{"admin-orders", "city-" + std::to_string(moscow_) + "-orders"}));
    EXPECT_EQ(sink_.events[1].data.at("total").to_number<double>(), 1011.0);
    EXPECT_EQ(sink_.events[1].data.at("comment"), "door 3");
}

TEST_P(OrderService, ValidatesOrders) {
    std::string code;
    auto user = as(auth::role::user, 10);
    EXPECT_EQ(refusal([&] { service_->create(user, new_order{.city_id = moscow_}); }, &code),
              error::kind::bad_request);
    EXPECT_EQ(code, "bad-items");
    const auto soup = dish(100);
    new_order many{.city_id = moscow_};
    many.items.assign(101, ordered_line{soup, 1});
    EXPECT_EQ(refusal([&] { service_->create(user, many); }), error::kind::bad_request);
    EXPECT_EQ(refusal([&] {
                  service_->create(user, {.city_id = moscow_, .items = {{soup, 0}}});
              }),
              error::kind::bad_request);
    EXPECT_EQ(refusal([&] {
                  service_->create(user, {.city_id = moscow_, .items = {{soup, 1001}}});
              }),
              error::kind::bad_request);
    EXPECT_EQ(refusal(
                  [&] {
                      service_->create(user, {.city_id = 999, .items = {{soup, 1}}});
                  },
                  &code),
              error::kind::unprocessable);
    EXPECT_EQ(code, "unknown-city");
    EXPECT_EQ(refusal([&] { service_->create(user, simple(1000, 1001)); }, &code),
              error::kind::unprocessable);
    EXPECT_EQ(code, "bonuses-exceed-subtotal");
    EXPECT_EQ(refusal([&] { service_->create(user, simple(1000, 500)); }, &code),
              error::kind::unprocessable);
    EXPECT_EQ(code, "insufficient-bonuses");
    EXPECT_TRUE(sink_.events.empty()) << "nothing is announced for a refused order";
}

TEST_P(OrderService, SpendsEarnsAndRefundsBonusesExactlyOnce) {
    give_bonus(10, 5000);
    EXPECT_EQ(repo_->bonuses(10, 10).first, 5000);
    sink_.events.clear();

    auto o = service_->create(as(auth::role::user, 10), simple(20000, 3000));
    EXPECT_EQ(o.total, 17000);
    EXPECT_EQ(o.bonuses_earned, 850);
    EXPECT_EQ(repo_->bonuses(10, 10).first, 2000);
    ASSERT_EQ(sink_.events.size(), 3u);
    EXPECT_EQ(sink_.events[2].type, "bonus-updated");
    EXPECT_EQ(sink_.events[2].data.at("operation").at("type"), "used");
    EXPECT_EQ(sink_.events[2].data.at("balance").as_int64(), 20);

    service_->change_status(as(auth::role::user, 10), o.id, order_status::cancelled);
    EXPECT_EQ(repo_->bonuses(10, 10).first, 5000);
    EXPECT_EQ(sink_.events.back().data.at("operation").at("type"), "refunded");
    std::string code;
    EXPECT_EQ(refusal(
                  [&] {
                      service_->change_status(as(auth::role::admin, 1), o.id,
                                              order_status::cancelled);
                  },
                  &code),
              error::kind::conflict);
    EXPECT_EQ(repo_->bonuses(10, 10).first, 5000) << "a second cancel refunds nothing";

    // The ledger adds up to the balance.
    auto [balance, ops] = repo_->bonuses(10, 100);
    kopecks sum = 0;
    for (const auto& op : ops) sum += op.type == "used" ? -op.amount : op.amount;
    EXPECT_EQ(sum, balance);
}

TEST_P(OrderService, StatusChangesFollowTheWhoMayTable) {
    auto o = service_->create(as(auth::role::user, 10), simple(1000));
    const auto owner = as(auth::role::user, 10), stranger = as(auth::role::user, 11);
    const auto local = as(auth::role::manager, 20, {moscow_}),
               remote = as(auth::role::manager, 21, {kazan_});
    EXPECT_EQ(refusal([&] { service_->change_status(stranger, o.id, order_status::cancelled); }),
              error::kind::not_found);
    EXPECT_EQ(refusal([&] { service_->change_status(remote, o.id, order_status::confirmed); }),
              error::kind::not_found);
    EXPECT_EQ(refusal([&] { service_->change_status(owner, o.id, order_status::confirmed); }),
              error::kind::forbidden);
    EXPECT_EQ(service_->change_status(local, o.id, order_status::confirmed).status,
              order_status::confirmed);
    EXPECT_EQ(refusal([&] { service_->change_status(owner, o.id, order_status::cancelled); }),
              error::kind::forbidden);
    EXPECT_EQ(refusal([&] { service_->change_status(local, o.id, order_status::completed); }),
              error::kind::conflict);
    EXPECT_EQ(service_->change_status(as(auth::role::ceo, 2), o.id, order_status::preparing).status,
              order_status::preparing);
    const auto& last = sink_.events.back();
    EXPECT_EQ(last.type, "order-status-updated");
    EXPECT_EQ(last.rooms,
              (std::vector<std::string>{"user-10", "admin-orders",
                                        "city-" + std::to_string(moscow_) + "-orders"}));
    EXPECT_EQ(last.data.at("oldStatus"), "confirmed");
    EXPECT_EQ(last.data.at("newStatus"), "preparing");
    EXPECT_EQ(refusal([&] {
                  service_->change_status(as(auth::role::admin, 1), 9999, order_status::confirmed);
              }),
              error::kind::not_found);
}

TEST_P(OrderService, AKnownManagersCitiesComeFromTheDatabaseNotTheToken) {
    auto o = service_->create(as(auth::role::user, 10), simple(1000));
    const auto id = repo_->add_staff_user("olga", "hash", "manager", {moscow_});
    ASSERT_GE(id, first_own_user_id);
    // An old token still claiming Moscow after Olga was moved to Kazan.
    const auto stale = as(auth::role::manager, id, {moscow_});
    EXPECT_EQ(service_->get(stale, o.id).id, o.id);
    repo_->set_manager_cities(id, {kazan_});
    EXPECT_EQ(refusal([&] { service_->get(stale, o.id); }), error::kind::not_found);
    EXPECT_EQ(refusal([&] { service_->change_status(stale, o.id, order_status::confirmed); }),
              error::kind::not_found);
    EXPECT_TRUE(service_->list(stale, {}).empty());
    EXPECT_EQ(resolve_principal(*repo_, stale)->city_ids, std::vector<std::int64_t>{kazan_});
    repo_->set_manager_cities(id, {});
    EXPECT_TRUE(resolve_principal(*repo_, stale)->city_ids.empty())
        << "no cities in the database means none, not the token's";
}

TEST_P(OrderService, ManagersTheDatabaseNeverHeardOfKeepTheirTokensCities) {
    auto o = service_->create(as(auth::role::user, 10), simple(1000));
    const auto backend_manager = as(auth::role::manager, 30, {moscow_});
    EXPECT_EQ(service_->get(backend_manager, o.id).id, o.id);
    EXPECT_EQ(resolve_principal(*repo_, backend_manager)->city_ids,
              std::vector<std::int64_t>{moscow_});
}

TEST_P(OrderService, UsersItCreatesTakeIdsFromItsOwnRange) {
    const auto first = repo_->upsert_telegram_user(555, "Ann", "ann");
    const auto second = repo_->upsert_telegram_user(556, "Bob", "bob");
    EXPECT_GE(first.id, first_own_user_id);
    EXPECT_GT(second.id, first.id);
    EXPECT_GE(repo_->add_staff_user("anna", "hash", "admin", {}), first_own_user_id);
    // The existing backend's users (below the range) do not move the range.
    repo_->ensure_user(5, "user");
    EXPECT_GT(repo_->upsert_telegram_user(557, "Cy", "cy").id, second.id);
}

TEST_P(OrderService, RefusesATokenForAnIdInItsRangeThatNamesNoUser) {
    const auto ghost = as(auth::role::user, first_own_user_id + 12345);
    EXPECT_FALSE(resolve_principal(*repo_, ghost));
    EXPECT_EQ(refusal([&] { service_->create(ghost, simple(1000)); }), error::kind::unauthorized);
    EXPECT_EQ(refusal([&] { service_->bonuses(ghost); }), error::kind::unauthorized);
    EXPECT_EQ(refusal([&] { service_->list(ghost, {}); }), error::kind::unauthorized);
    const auto real = repo_->upsert_telegram_user(777, "Real", "real");
    EXPECT_TRUE(resolve_principal(*repo_, as(auth::role::user, real.id)));
    EXPECT_EQ(service_->create(as(auth::role::user, real.id), simple(1000)).user_id, real.id);
}

TEST_P(OrderService, OnlyCustomersPlaceOrdersAndNobodyMovesTheirOwn) {
    for (auto r : {auth::role::manager, auth::role::admin, auth::role::ceo, auth::role::service}) {
        EXPECT_EQ(refusal([&] { service_->create(as(r, 40, {moscow_}), simple(100'000'00)); }),
                  error::kind::forbidden)
            << auth::to_string(r);
    }
    // A backend token whose admin shares its id with the customer who placed the order.
    auto o = service_->create(as(auth::role::user, 41), simple(100'000'00));
    EXPECT_EQ(refusal([&] {
                  service_->change_status(as(auth::role::admin, 41), o.id, order_status::confirmed);
              }),
              error::kind::forbidden);
    EXPECT_EQ(
        service_->change_status(as(auth::role::user, 41), o.id, order_status::cancelled).status,
        order_status::cancelled);
}

TEST_P(OrderService, NamesThatDifferOnlyInCaseOrSpacesAreOne) {
    EXPECT_FALSE(repo_->add_city("  moscow ")) << "Moscow exists";
    EXPECT_FALSE(repo_->add_city("KAZAN"));
    ASSERT_TRUE(repo_->add_city("Санкт-Петербург"));
    EXPECT_FALSE(repo_->add_city("САНКТ-ПЕТЕРБУРГ"));
    EXPECT_EQ(repo_->add_city("  Nizhny   Novgorod ")->name, "Nizhny Novgorod");
    const auto anna = repo_->add_staff_user("anna", "hash", "admin", {});
    EXPECT_EQ(repo_->add_staff_user("Anna", "hash", "admin", {}), 0);
    EXPECT_EQ(repo_->add_staff_user(" ANNA ", "hash", "admin", {}), 0);
    ASSERT_TRUE(repo_->find_staff(" Anna"));
    EXPECT_EQ(repo_->find_staff(" Anna")->id, anna);
}

TEST_P(OrderService, ListsNewestFirstWithFiltersAndACursor) {
    for (int i = 0; i < 5; ++i) service_->create(as(auth::role::user, 10), simple(1000 + i));
    service_->create(as(auth::role::user, 11), {.city_id = kazan_, .items = {{dish(1), 1}}});
    auto mine = service_->list(as(auth::role::user, 10), {.limit = 3});
    ASSERT_EQ(mine.size(), 3u);
    EXPECT_GT(mine[0].id, mine[1].id);
    auto rest =
        service_->list(as(auth::role::user, 10), {.before_id = mine.back().id, .limit = 10});
    EXPECT_EQ(rest.size(), 2u);
    EXPECT_EQ(service_->list(as(auth::role::admin, 1), {.limit = 100}).size(), 6u);
    EXPECT_EQ(service_->list(as(auth::role::admin, 1), {.city_id = kazan_, .limit = 100}).size(),
              1u);
    EXPECT_EQ(service_->list(as(auth::role::manager, 5, {kazan_}), {.limit = 100}).size(), 1u);
    EXPECT_EQ(
        service_->list(as(auth::role::admin, 1), {.status = order_status::confirmed, .limit = 100})
            .size(),
        0u);
}

TEST_P(OrderService, KeepsOrdersStatusesAndBalancesAcrossReopening) {
    give_bonus(10, 1000);
    auto o = service_->create(as(auth::role::user, 10), simple(5000, 400));
    service_->change_status(as(auth::role::admin, 1), o.id, order_status::confirmed);
    service_.reset();
    repo_.reset();  // closed, then opened again on the same database
    repo_ = open_repository(GetParam(), dir_, pg_url_);
    service_ = std::make_unique<order_service>(*repo_, sink_, 5);
    EXPECT_EQ(repo_->find_order(o.id)->status, order_status::confirmed);
    EXPECT_EQ(repo_->bonuses(10, 10).first, 600);
}

TEST_P(OrderService, RecordsNoOutboxWithSyncOff) {
    service_->create(as(auth::role::user, 10), simple(1000));
    EXPECT_TRUE(repo_->due_outbox(util::unix_millis(), 10, "me", 60'000).empty());
}

// Gulyash must never see a status before the order's creation: a change is due only once
// every earlier change of the same order is delivered; other orders do not wait.
TEST_P(OrderService, OutboxKeepsEachOrdersChangesInOrder) {
    service_.reset();
    repo_.reset();
    repo_ = open_repository(GetParam(), dir_, pg_url_, true);
    service_ = std::make_unique<order_service>(*repo_, sink_, 5);
    const auto admin = as(auth::role::admin, 1);
    auto first = service_->create(as(auth::role::user, 10), simple(1000));
    service_->change_status(admin, first.id, order_status::confirmed);
    service_->change_status(admin, first.id, order_status::preparing);
    auto second = service_->create(as(auth::role::user, 11), simple(2000));
    const auto now = util::unix_millis() + 1;
    auto status_of = [](const outbox_record& r) {
        return std::string(boost::json::parse(r.payload).at("status").as_string());
    };
    const std::int64_t lease = 1000;
    auto take = [&](std::int64_t at) { return repo_->due_outbox(at, 10, "me", lease); };
    auto due = take(now);
    ASSERT_EQ(due.size(), 2u) << "the first change of each order";
    EXPECT_EQ(due[0].entity_id, first.id);
    EXPECT_EQ(status_of(due[0]), "pending");
    EXPECT_EQ(due[1].entity_id, second.id);
    EXPECT_TRUE(take(now).empty()) << "leased records are not handed out again";
    // A failed delivery keeps the order's later changes waiting behind it.
    EXPECT_TRUE(repo_->outbox_failed(due[0].id, "me", 1, "HTTP 503", now + 60'000, nullptr));
    EXPECT_TRUE(repo_->outbox_sent(due[1].id, "me", now, nullptr));
    EXPECT_TRUE(take(now + 2 * lease).empty());
    const auto later = now + 60'000;
    due = take(later);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(status_of(due[0]), "pending");
    EXPECT_EQ(due[0].last_error, "HTTP 503");
    EXPECT_TRUE(repo_->outbox_sent(due[0].id, "me", later, nullptr));
    for (const char* expected : {"confirmed", "preparing"}) {
        due = take(later);
        ASSERT_EQ(due.size(), 1u) << expected;
        EXPECT_EQ(status_of(due[0]), expected);
        EXPECT_TRUE(repo_->outbox_sent(due[0].id, "me", later, nullptr));
    }
    EXPECT_TRUE(take(later).empty());
    EXPECT_EQ(repo_->pending_outbox(), 0);
}

// A worker whose lease ran out (its request hung past it) must not overwrite what the
// worker that took the record over recorded: a sent record never turns pending or failed.
TEST_P(OrderService, OnlyTheLeaseHolderRecordsAnOutcome) {
    service_.reset();
    repo_.reset();
    repo_ = open_repository(GetParam(), dir_, pg_url_, true);
    service_ = std::make_unique<order_service>(*repo_, sink_, 5);
    service_->create(as(auth::role::user, 10), simple(1000));
    const auto now = util::unix_millis() + 1;
    auto slow = repo_->due_outbox(now, 1, "slow", 1000);
    ASSERT_EQ(slow.size(), 1u);
    auto fast = repo_->due_outbox(now + 1001, 1, "fast", 1000);
    ASSERT_EQ(fast.size(), 1u) << "the lease ran out: another worker takes the record";
    EXPECT_TRUE(repo_->outbox_sent(fast[0].id, "fast", now + 1002, nullptr));
    EXPECT_FALSE(
        repo_->outbox_failed(slow[0].id, "slow", 1, "Connection timeout", now + 5000, nullptr));
    EXPECT_FALSE(repo_->outbox_sent(slow[0].id, "slow", now + 1003, nullptr));
    EXPECT_EQ(repo_->pending_outbox(), 0);
    EXPECT_TRUE(repo_->failed_outbox(10).empty());
    EXPECT_TRUE(repo_->due_outbox(now + 10'000, 1, "slow", 1000).empty());
    // Sent records go once their retention is over, not before.
    EXPECT_EQ(repo_->prune_outbox(now + 1002, 100), 0);
    EXPECT_EQ(repo_->prune_outbox(now + 1003, 100), 1);
}

// The menu (docs/protocol.md §7): who may change it, what an item may be, who sees what.
TEST_P(OrderService, OnlyAdminsAndTheCeoChangeTheMenuAndItsRulesHold) {
    menu_service menu(*repo_);
    const auto admin = as(auth::role::admin, 1);
    std::string code;
    for (auto r : {auth::role::manager, auth::role::user, auth::role::service}) {
        EXPECT_EQ(refusal([&] { menu.add(as(r, 5, {moscow_}), {.name = "Kvass", .price = 100}); }),
                  error::kind::forbidden);
        EXPECT_EQ(refusal([&] { menu.change(as(r, 5, {moscow_}), 1, {.price = 1}); }),
                  error::kind::forbidden);
    }
    auto kvass = menu.add(as(auth::role::ceo, 2), {.name = "  Kvass ", .price = 12050});
    EXPECT_EQ(kvass.name, "Kvass");
    EXPECT_TRUE(kvass.available);
    EXPECT_TRUE(kvass.cities.empty());
    EXPECT_EQ(refusal([&] { menu.add(admin, {.name = "KVASS", .price = 1}); }, &code),
              error::kind::conflict);
    EXPECT_EQ(code, "menu-item-exists");
    EXPECT_EQ(refusal([&] { menu.add(admin, {.name = "   ", .price = 1}); }, &code),
              error::kind::bad_request);
    EXPECT_EQ(refusal([&] { menu.add(admin, {.name = std::string(201, 'x'), .price = 1}); }),
              error::kind::bad_request);
    EXPECT_EQ(
        refusal([&] { menu.add(admin, {.name = "Pie", .price = 1, .cities = {999}}); }, &code),
        error::kind::unprocessable);
    EXPECT_EQ(code, "unknown-city");
    auto pie = menu.add(admin, {.name = "Pie", .price = 300, .cities = {kazan_, kazan_}});
    EXPECT_EQ(pie.cities, std::vector<std::int64_t>{kazan_});
    EXPECT_EQ(refusal([&] { menu.change(admin, 9999, {.price = 1}); }), error::kind::not_found);
    EXPECT_EQ(refusal([&] { menu.change(admin, pie.id, {.name = "kvass"}); }, &code),
              error::kind::conflict);
    auto hidden = menu.change(admin, kvass.id, {.price = 13000, .available = false});
    EXPECT_EQ(hidden.price, 13000);
    EXPECT_FALSE(hidden.available);
    EXPECT_EQ(hidden.name, "Kvass") << "what a patch leaves out stays";

    auto ids = [](const std::vector<menu_item>& items) {
        std::vector<std::int64_t> out;
        for (const auto& m : items) out.push_back(m.id);
        return out;
    };
    EXPECT_EQ(ids(menu.list(admin, std::nullopt)), (std::vector<std::int64_t>{kvass.id, pie.id}));
    EXPECT_EQ(ids(menu.list(admin, moscow_)), std::vector<std::int64_t>{kvass.id})
        << "the pie is sold in Kazan only";
    EXPECT_EQ(ids(menu.list(as(auth::role::user, 10), std::nullopt)),
              std::vector<std::int64_t>{pie.id})
        << "customers see what is available";
    EXPECT_TRUE(menu.list(as(auth::role::user, 10), moscow_).empty());
    EXPECT_EQ(refusal([&] { menu.list(admin, 999); }), error::kind::not_found);
}

TEST_P(OrderService, AnOrderTakesNamesAndPricesFromTheMenuOrIsRefusedNamingTheItem) {
    menu_service menu(*repo_);
    const auto admin = as(auth::role::admin, 1);
    const auto user = as(auth::role::user, 10);
    auto soup = menu.add(admin, {.name = "Soup", .price = 25050});
    auto o = service_->create(user, {.city_id = moscow_, .items = {{soup.id, 3}}});
    ASSERT_EQ(o.items.size(), 1u);
    EXPECT_EQ(o.items[0].menu_item_id, soup.id);
    EXPECT_EQ(o.items[0].name, "Soup");
    EXPECT_EQ(o.items[0].price, 25050);
    EXPECT_EQ(o.subtotal, 75150);
    EXPECT_EQ(to_json(o).at("items").at(0).at("menuItemId").as_int64(), soup.id);

    auto tea = menu.add(admin, {.name = "Tea", .price = 100});
    menu.change(admin, tea.id, {.available = false});
    auto pie = menu.add(admin, {.name = "Pie", .price = 100, .cities = {kazan_}});
    std::string code;
    for (auto [id, says] : std::vector<std::pair<std::int64_t, std::string>>{
             {9999, "menu item 9999 does not exist"},
             {tea.id, "menu item " + std::to_string(tea.id) + " is not available"},
             {pie.id, "('Pie') is not sold in city " + std::to_string(moscow_)}}) {
        try {
            service_->create(user, {.city_id = moscow_, .items = {{soup.id, 1}, {id, 1}}});
            ADD_FAILURE() << "ordered " << id;
        } catch (const error& e) {
            EXPECT_EQ(e.type, error::kind::unprocessable);
            EXPECT_EQ(e.code, "unknown-item");
            EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).find("Tea"), std::string::npos)
                << "a hidden item's name never reaches a customer";
        }
    }
    EXPECT_EQ(service_->list(user, {.limit = 10}).size(), 1u) << "refused orders store nothing";
    EXPECT_EQ(service_->create(user, {.city_id = kazan_, .items = {{pie.id, 1}}}).total, 100);
}

TEST_P(OrderService, ChangingTheMenuNeverChangesAnOrderAlreadyPlacedNorItsBonuses) {
    menu_service menu(*repo_);
    const auto admin = as(auth::role::admin, 1);
    auto feast = menu.add(admin, {.name = "Feast", .price = 100000});
    auto placed =
        service_->create(as(auth::role::user, 10), {.city_id = moscow_, .items = {{feast.id, 1}}});
    menu.change(admin, feast.id, {.name = "Banquet", .price = 999999, .available = false});
    for (auto s : {order_status::confirmed, order_status::preparing, order_status::ready,
                   order_status::completed}) {
        service_->change_status(admin, placed.id, s);
    }
    auto now = repo_->find_order(placed.id);
    EXPECT_EQ(now->items[0].name, "Feast");
    EXPECT_EQ(now->items[0].price, 100000);
    EXPECT_EQ(now->total, 100000);
    EXPECT_EQ(repo_->bonuses(10, 10).first, 5000) << "5 % of the price it was placed at";
}

TEST_P(OrderService, AMenuImportAddsNewItemsAndUpdatesThoseItNames) {
    menu_service menu(*repo_);
    menu.add(as(auth::role::admin, 1), {.name = "Soup", .price = 100});
    EXPECT_EQ(menu.import({{.name = " soup ", .price = 150, .available = false},
                           {.name = "Bread", .price = 30, .cities = {kazan_}}}),
              1);
    auto all = repo_->list_menu(std::nullopt, false);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].price, 150);
    EXPECT_FALSE(all[0].available);
    EXPECT_EQ(all[1].cities, std::vector<std::int64_t>{kazan_});
    std::string code;
    EXPECT_EQ(
        refusal([&] { menu.import({{.name = "Kvass", .price = 1, .cities = {999}}}); }, &code),
        error::kind::unprocessable);
    EXPECT_EQ(repo_->list_menu(std::nullopt, false).size(), 2u) << "nothing of a refused import";
}

// The event log (docs/protocol.md §10). Eight writers on connections of their own, released
// together, while a reader follows the log: at every moment the reader sees a gap-free
// prefix — an id is never visible before every smaller one is.
TEST_P(OrderService, EventIdsAreDenseAndCommitInOrder) {
    constexpr int writers = 8, each = 25;
    std::vector<std::unique_ptr<repository>> connections;
    for (int i = 0; i < writers + 1; ++i)
        connections.push_back(open_repository(GetParam(), dir_, pg_url_));
    std::latch ready(writers), go(1);
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    std::vector<std::vector<std::int64_t>> got(writers);
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            ready.count_down();
            go.wait();
            for (int i = 0; i < each; ++i) {
                got[w].push_back(append(*connections[w],
                                        {"admin-orders", "user-" + std::to_string(w + 1)}, "test",
                                        R"({"n":)" + std::to_string(i) + "}", util::unix_millis()));
            }
            ++done;
        });
    }
    ready.wait();
    go.count_down();
    auto& reader = *connections[writers];
    std::int64_t seen = 0;
    bool finished = false;
    while (!finished) {
        finished = done == writers;  // one more read after the last write
        for (const auto& e : reader.events_after(seen, {"admin-orders"}, 1000)) {
            ASSERT_EQ(e.id, seen + 1) << "a hole the reader could see";
            seen = e.id;
        }
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(seen, writers * each);
    EXPECT_EQ(reader.event_head(), writers * each);
    for (const auto& ids : got) {
        EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    }
}

TEST_P(OrderService, EventReplayReadsOnlyTheRoomsAskedForInIdOrder) {
    const auto now = util::unix_millis();
    const auto a = append(*repo_, {"admin-orders", "city-1-orders"}, "new-order", "{}", now);
    const auto b = append(*repo_, {"user-5"}, "order-created", R"({"x":1})", now);
    const auto c = append(*repo_, {"user-6"}, "order-created", "{}", now);
    const auto d = append(*repo_, {"user-5", "admin-orders"}, "bonus-updated", "{}", now);
    auto ids = [](const std::vector<logged_event>& events) {
        std::vector<std::int64_t> out;
        for (const auto& e : events) out.push_back(e.id);
        return out;
    };
    EXPECT_EQ(ids(repo_->events_after(0, {"user-5", "admin-orders"}, 100)),
              (std::vector<std::int64_t>{a, b, d}))
        << "each event once, even when it is in two of the rooms";
    EXPECT_EQ(ids(repo_->events_after(a, {"user-5", "admin-orders"}, 100)),
              (std::vector<std::int64_t>{b, d}));
    EXPECT_EQ(ids(repo_->events_after(0, {"user-5", "admin-orders"}, 2)),
              (std::vector<std::int64_t>{a, b}));
    EXPECT_EQ(ids(repo_->events_after(0, {"user-6"}, 100)), std::vector<std::int64_t>{c});
    const auto got = repo_->events_after(a, {"user-5"}, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].type, "order-created");
    EXPECT_EQ(got[0].data, R"({"x":1})");
    EXPECT_EQ(got[0].rooms, std::vector<std::string>{"user-5"});
}

// An order's events commit with it: after the 201 the log holds exactly what was announced,
// and a refused order or a lost status race leaves no event behind.
TEST_P(OrderService, AnEventIsLoggedIffItsChangeCommitted) {
    auto user = as(auth::role::user, 10);
    auto o = service_->create(user, simple(10000));
    ASSERT_EQ(sink_.events.size(), 2u);
    auto logged = repo_->events_after(0, {"user-10", "admin-orders"}, 100);
    ASSERT_EQ(logged.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(logged[i].id, sink_.events[i].id);
        EXPECT_EQ(logged[i].type, sink_.events[i].type);
        EXPECT_EQ(boost::json::parse(logged[i].data), sink_.events[i].data);
    }
    EXPECT_EQ(boost::json::parse(logged[0].data).at("id").as_int64(), o.id);

    const auto head = repo_->event_head();
    EXPECT_EQ(refusal([&] { service_->create(user, simple(1000, 500)); }),
              error::kind::unprocessable)
        << "no bonuses to spend";
    // A status change that loses the race (the order moved meanwhile) commits nothing.
    repo_->change_status(o.id, order_status::pending, order_status::confirmed, {}, {}, {});
    EXPECT_FALSE(repo_->change_status(o.id, order_status::pending, order_status::cancelled, {},
                                      [](const order&, std::optional<kopecks>) {
                                          ADD_FAILURE() << "asked for events of a lost race";
                                          return std::vector<logged_event>{};
                                      },
                                      {}));
    EXPECT_EQ(repo_->event_head(), head) << "a refused change logs nothing";
    EXPECT_EQ(repo_->events_after(0, {"user-10", "admin-orders"}, 100).size(), 2u);
    EXPECT_EQ(sink_.events.size(), 2u);
}

// When the events callback throws (the transaction fails half-way), the order is not
// stored and no event is logged: the two are one fact.
TEST_P(OrderService, AFailedOrderTransactionLeavesNeitherOrderNorEvent) {
    order o;
    o.user_id = 10;
    o.city_id = moscow_;
    o.items = {{0, "Soup", 100, 1}};
    o.subtotal = o.total = 100;
    EXPECT_THROW(
        repo_->create_order(o, {},
                            [](const order&, std::optional<kopecks>) -> std::vector<logged_event> {
                                throw std::runtime_error("failed after the insert");
                            },
                            nullptr, {}),
        std::runtime_error);
    EXPECT_EQ(repo_->event_head(), 0);
    EXPECT_TRUE(repo_->list_orders({}).empty());
}

// Remembered answers (Idempotency-Key): per user and key, only once committed, forgotten
// after their time.
TEST_P(OrderService, AnIdempotencyKeyRemembersTheFirstAnswerPerUserUntilItIsPruned) {
    const auto now = util::unix_millis();
    const idempotency_claim claim{"k", "h", now, idempotency_ttl_ms};
    auto placed = service_->create(as(auth::role::user, 10), simple(100), &claim);
    auto answer = repo_->remembered(10, "k", now - idempotency_ttl_ms);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 201);
    EXPECT_EQ(boost::json::parse(answer->body), to_json(placed));
    EXPECT_FALSE(repo_->remembered(11, "k", 0)) << "keys are per user";
    EXPECT_THROW(service_->create(as(auth::role::user, 10), simple(100), &claim),
                 idempotency_key_taken);
    EXPECT_EQ(service_->list(as(auth::role::user, 10), {.limit = 10}).size(), 1u);
    // A refused order does not use its key up.
    const idempotency_claim other{"k2", "h", now, idempotency_ttl_ms};
    EXPECT_EQ(refusal([&] { service_->create(as(auth::role::user, 10), simple(100, 50), &other); }),
              error::kind::unprocessable);
    EXPECT_FALSE(repo_->remembered(10, "k2", 0));
    // A day later the key is free again.
    const idempotency_claim later{"k", "h2", now + idempotency_ttl_ms + 1, idempotency_ttl_ms};
    EXPECT_FALSE(repo_->remembered(10, "k", later.now_ms - idempotency_ttl_ms));
    service_->create(as(auth::role::user, 10), simple(100), &later);
    EXPECT_EQ(repo_->remembered(10, "k", now)->request_hash, "h2");
    EXPECT_EQ(repo_->prune_idempotency(now + 2 * idempotency_ttl_ms, 100), 1);
    EXPECT_FALSE(repo_->remembered(10, "k", 0));
}

// Unattended alerts (docs/protocol.md §11): due by creation then by the last alert, claimed once,
// never for an order that left pending.
TEST_P(OrderService, UnattendedAlertsAreDueByTheScheduleInTheDatabaseAndClaimedOnce) {
    auto o = service_->create(as(auth::role::user, 10), simple(100));
    const auto now = util::unix_millis();
    EXPECT_TRUE(repo_->due_unattended(now - 60'000, 10).empty()) << "not pending a minute yet";
    auto due = repo_->due_unattended(now + 1000, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].id, o.id);
    EXPECT_EQ(due[0].city_id, moscow_);
    EXPECT_NEAR(static_cast<double>(due[0].created_ms), static_cast<double>(now), 5000.0);
    EXPECT_EQ(due[0].last_alert_ms, 0);
    auto event = eventlog::entries_of(order_unattended{o.id, moscow_, 1, 0}).front();
    EXPECT_TRUE(repo_->claim_unattended(o.id, 0, now + 1000, event));
    EXPECT_GT(event.id, 0) << "logged with the claim";
    auto again = event;
    EXPECT_FALSE(repo_->claim_unattended(o.id, 0, now + 1000, again)) << "claimed once";
    // The cutoff is "last alert at or before now - interval": 1.5 s later with a 1 s interval
    // the cutoff is now + 500, before the alert at now + 1000.
    EXPECT_TRUE(repo_->due_unattended(now + 500, 10).empty()) << "the next is an interval away";
    EXPECT_EQ(repo_->due_unattended(now + 1000, 10).at(0).last_alert_ms, now + 1000);
    service_->change_status(as(auth::role::admin, 1), o.id, order_status::confirmed);
    EXPECT_TRUE(repo_->due_unattended(now + 100'000, 10).empty()) << "no longer pending";
}

// A resume (docs/protocol.md §10) planned on each database: exactly the events after `since` up
// to the log's head, or one resync reason, never part of a replay.
TEST_P(OrderService, AResumeReplaysExactlyTheMissedEventsOrRefusesWithAReason) {
    using outcome = realtime::resume_answer::outcome;
    const auto now = util::unix_millis();
    for (int i = 1; i <= 6; ++i)
        append(*repo_, {i % 2 ? "user-5" : "user-6"}, "t", "{\"n\":" + std::to_string(i) + "}",
               now);
    auto plan = [&](std::string since, int limit = 100) {
        return eventlog::plan_replay(*repo_, {std::move(since), {"user-5"}}, limit);
    };
    auto replayed = plan("1");
    EXPECT_EQ(replayed.result, outcome::replayed);
    EXPECT_EQ(replayed.since, 1);
    EXPECT_EQ(replayed.head, 6);
    EXPECT_EQ(replayed.events, (std::vector<std::string>{R"({"type":"t","id":3,"data":{"n":3}})",
                                                         R"({"type":"t","id":5,"data":{"n":5}})"}))
        << "its rooms only, after since, up to the head";
    EXPECT_EQ(plan("0").events.size(), 3u) << "0: everything the log holds";
    auto caught_up = plan("6");
    EXPECT_EQ(caught_up.result, outcome::replayed);
    EXPECT_TRUE(caught_up.events.empty());
    for (const char* bad : {"7", "abc", "", "-1", "01", "1.5", "99999999999999999999"})
        EXPECT_EQ(plan(bad).result, outcome::unknown_position) << bad;
    EXPECT_EQ(plan("7").head, 6) << "a resync names the head to continue from";
    EXPECT_EQ(plan("0", 2).result, outcome::too_many);
    EXPECT_EQ(plan("0", 3).result, outcome::replayed) << "exactly the limit is served";
    EXPECT_EQ(repo_->prune_events(now + 1, 2), 2);
    EXPECT_EQ(plan("1").result, outcome::history_expired) << "event 2 is gone";
    EXPECT_EQ(plan("2").result, outcome::replayed) << "nothing after 2 is gone";
    EXPECT_EQ(repo_->prune_events(now + 1, 100), 4);
    EXPECT_EQ(plan("5").result, outcome::history_expired) << "an empty log lost event 6";
    EXPECT_EQ(plan("6").result, outcome::replayed);
}

// A long replay is read a page at a time: pages of at most replay_page_events events and
// about page_bytes, in order, each saying whether more remain; together exactly the events
// up to the head the first page was planned against.
TEST_P(OrderService, ALongReplayIsReadPageByPage) {
    using outcome = realtime::resume_answer::outcome;
    const auto now = util::unix_millis();
    const std::string big(1000, 'x');
    for (int i = 1; i <= 150; ++i)
        append(*repo_, {i % 3 ? "user-5" : "user-6"}, "t", R"({"pad":")" + big + "\"}", now);
    realtime::resume_request first{"0", {"user-5"}};
    first.page_bytes = 30'000;
    auto page = eventlog::plan_replay(*repo_, first, 1000);
    ASSERT_EQ(page.result, outcome::replayed);
    EXPECT_EQ(page.head, 150);
    std::vector<std::string> all = page.events;
    EXPECT_LE(page.events.size(), 30u) << "about page_bytes";
    int later = 0;
    while (page.more) {
        append(*repo_, {"user-5"}, "t", "{}", now);  // after the head: not this replay's
        ++later;
        realtime::resume_request next{{}, {"user-5"}};
        next.page_bytes = 30'000;
        next.from = page.last_id;
        next.up_to = 150;
        page = eventlog::plan_replay(*repo_, next, 1000);
        ASSERT_EQ(page.result, outcome::replayed);
        ASSERT_FALSE(page.events.empty());
        all.insert(all.end(), page.events.begin(), page.events.end());
    }
    EXPECT_EQ(all.size(), 100u) << "every event of its rooms up to the head, once";
    EXPECT_NE(all.back().find("\"id\":149"), std::string::npos);
    realtime::resume_request limited{"0", {"user-5"}};
    EXPECT_EQ(eventlog::plan_replay(*repo_, limited, 99 + later).result, outcome::too_many)
        << "counted without reading them";
    EXPECT_EQ(eventlog::plan_replay(*repo_, limited, 100 + later).result, outcome::replayed);
}

// A frozen instance (SIGSTOP mid-transaction) holds the log's counter row. Every connection
// ordercast opens carries idle_in_transaction_session_timeout, so the server ends such a
// session and the others stall for about that long, not for as long as it stays frozen.
TEST(FrozenInstance, HoldsTheEventLogForAboutTheIdleTimeoutAtMost) {
    const auto url = postgres().new_database();
    auto other_owner = storage::open_postgres(url);
    auto& other = *other_owner;                 // creates the schema
    storage::postgres::connection frozen(url);  // with the defaults an instance gets
    frozen.exec("BEGIN");
    frozen.exec("UPDATE event_head SET id = id WHERE one = 1");
    // ...and then nothing: the process is stopped.
    const auto started = std::chrono::steady_clock::now();
    const auto id = append(other, {"admin-orders"}, "t", "{}", util::unix_millis());
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(id, 1);
    EXPECT_LT(waited, std::chrono::milliseconds(storage::postgres::idle_timeout_ms + 1500))
        << "the frozen session was ended by the server";
    EXPECT_GT(waited, std::chrono::milliseconds(storage::postgres::idle_timeout_ms / 2))
        << "it really held the row";
    EXPECT_THROW(frozen.exec("COMMIT"), storage::storage_error) << "its session is gone";
}

// A group commit logs a batch in order; the data comes back byte for byte whatever it holds.
TEST_P(OrderService, AGroupCommitKeepsOrderAndDataByteForByte) {
    const std::vector<std::string> data = {R"({"s":"quote \" backslash \\ comma , braces {} "})",
                                           R"({"s":"кириллица ☕ \u0001","n":[1,2]})", "{}"};
    std::vector<logged_event> batch;
    for (std::size_t i = 0; i < data.size(); ++i)
        batch.push_back({0, {"admin-orders", "user-" + std::to_string(i + 1)}, "t", data[i], 0});
    const auto logged = repo_->append_events(std::move(batch));
    ASSERT_EQ(logged.size(), 3u);
    EXPECT_EQ(logged[0].id, 1);
    EXPECT_EQ(logged[2].id, 3);
    const auto back = repo_->events_after(0, {"admin-orders"}, 10);
    ASSERT_EQ(back.size(), 3u);
    for (std::size_t i = 0; i < data.size(); ++i) {
        EXPECT_EQ(back[i].data, data[i]);
        EXPECT_EQ(back[i].rooms, logged[i].rooms);
    }
    EXPECT_EQ(repo_->events_after(0, {"user-2"}, 10).at(0).id, 2);
}

TEST_P(OrderService, EventsArePrunedByAgeAndIdsAreNeverReused) {
    EXPECT_EQ(repo_->event_head(), 0);
    EXPECT_EQ(repo_->oldest_event_id(), 0);
    for (std::int64_t at : {1000, 2000, 3000}) append(*repo_, {"admin-orders"}, "t", "{}", at);
    EXPECT_EQ(repo_->prune_events(2500, 100), 2);
    EXPECT_EQ(repo_->oldest_event_id(), 3);
    EXPECT_EQ(repo_->event_head(), 3);
    EXPECT_EQ(repo_->events_after(0, {"admin-orders"}, 100).size(), 1u);
    EXPECT_EQ(repo_->prune_events(10'000, 100), 1);
    EXPECT_EQ(repo_->oldest_event_id(), 0);
    EXPECT_EQ(append(*repo_, {"admin-orders"}, "t", "{}", 4000), 4)
        << "the counter, not the largest id left, hands out ids";
}

INSTANTIATE_TEST_SUITE_P(Databases, OrderService, ::testing::Values("sqlite", "postgres"),
                         [](const auto& param_info) { return param_info.param; });

// Several instances on one PostgreSQL: each has its own connection.
TEST(PostgresInstances, TenInstancesSpendingTheSameBonusesOneWins) {
    const std::string url = postgres().new_database();
    auto setup_owner = storage::open_postgres(url);
    auto& setup = *setup_owner;
    const auto city = setup.add_city("Moscow")->id;
    setup.ensure_user(10, "user");
    order earn;
    earn.user_id = 10;
    earn.city_id = city;
    earn.items = {{0, "Feast", 100000, 1}};
    earn.subtotal = earn.total = 100000;
    earn.bonuses_earned = 5000;
    const auto id = setup.create_order(earn, {}, {}, nullptr, {})->placed.id;
    setup.change_status(id, order_status::pending, order_status::completed, {"earned", 5000}, {},
                        {});

    std::atomic<int> wins{0};
    std::vector<std::thread> instances;
    // Every instance connects first; then all are released at once, so that the spends
    // really race instead of lining up behind the connection set-up.
    std::latch ready(10), go(1);
    for (int i = 0; i < 10; ++i) {
        instances.emplace_back([&] {
            auto repo_owner = storage::open_postgres(url);
            auto& repo = *repo_owner;
            order spend;
            spend.user_id = 10;
            spend.city_id = city;
            spend.items = {{0, "Pie", 5000, 1}};
            spend.subtotal = 5000;
            spend.bonuses_used = 5000;
            ready.count_down();
            go.wait();
            if (repo.create_order(spend, {}, {}, nullptr, {})) ++wins;
        });
    }
    ready.wait();
    go.count_down();
    for (auto& t : instances) t.join();
    EXPECT_EQ(wins, 1);
    EXPECT_EQ(setup.bonuses(10, 100).first, 0);
}

// One Idempotency-Key sent to several instances at once: one order; every other request
// waits for it to commit, finds the key taken and answers with the first one's result.
TEST(PostgresInstances, OneIdempotencyKeyFromEightInstancesAtOnceMakesOneOrder) {
    const std::string url = postgres().new_database();
    auto setup_owner = storage::open_postgres(url);
    auto& setup = *setup_owner;
    const auto city = setup.add_city("Moscow")->id;
    setup.ensure_user(10, "user");
    const auto now = util::unix_millis();
    const idempotency_claim claim{"checkout-1", "hash-a", now, idempotency_ttl_ms};
    std::atomic<int> created{0}, taken{0};
    std::vector<std::thread> instances;
    std::latch ready(8), go(1);
    for (int i = 0; i < 8; ++i) {
        instances.emplace_back([&] {
            auto repo_owner = storage::open_postgres(url);
            auto& repo = *repo_owner;
            order o;
            o.user_id = 10;
            o.city_id = city;
            o.items = {{0, "Tea", 100, 1}};
            o.subtotal = o.total = 100;
            ready.count_down();
            go.wait();
            try {
                if (repo.create_order(o, {}, {}, &claim, [](const order& stored) {
                        return util::to_json_text(to_json(stored));
                    }))
                    ++created;
            } catch (const idempotency_key_taken&) {
                ++taken;
            }
        });
    }
    ready.wait();
    go.count_down();
    for (auto& t : instances) t.join();
    EXPECT_EQ(created, 1);
    EXPECT_EQ(taken, 7);
    EXPECT_EQ(setup.list_orders({}).size(), 1u);
    auto answer = setup.remembered(10, "checkout-1", now - 1000);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 201);
    EXPECT_EQ(answer->request_hash, "hash-a");
    EXPECT_EQ(boost::json::parse(answer->body).at("id").as_int64(), setup.list_orders({}).at(0).id);
}

// The migrations are written per dialect (v1-v9 are history), so nothing but this keeps
// them alike: both databases, migrated from empty, hold the same tables, columns and
// indexes (by name; types are spelled per dialect).
TEST(Schemas, BothDialectsHoldTheSameTablesColumnsAndIndexes) {
    const auto dir = testing::make_temp_dir();
    const auto path = (dir / "db.sqlite").string();
    storage::open_sqlite(path);
    storage::sqlite::connection lite(path);
    const auto url = postgres().new_database();
    storage::open_postgres(url);
    storage::postgres::pg_db pg(url);
    const auto listed = [](const storage::sql::rows& r) {
        std::vector<std::string> out;
        for (int i = 0; i < r.size(); ++i) out.push_back(r.text(i, 0) + "." + r.text(i, 1));
        std::sort(out.begin(), out.end());
        return out;
    };
    const auto lite_columns = listed(lite.exec(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE "
        "m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"));
    const auto pg_columns = listed(pg.exec(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
        "'public' AND table_name != 'schema_version'"));
    EXPECT_EQ(lite_columns, pg_columns);
    EXPECT_GT(lite_columns.size(), 40u) << "the listing reads the schema";
    // Plain indexes by name; unique ones (constraints or indexes) by what they keep unique.
    const auto lite_indexes = listed(lite.exec(
        "SELECT m.name, l.name FROM sqlite_master m JOIN pragma_index_list(m.name) l WHERE "
        "m.type = 'table' AND l.\"unique\" = 0"));
    const auto pg_indexes = listed(pg.exec(
        "SELECT t.relname, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public' AND NOT i.indisunique"));
    EXPECT_EQ(lite_indexes, pg_indexes);
    const auto lite_unique = listed(lite.exec(
        "SELECT m.name, (SELECT group_concat(name) FROM (SELECT name FROM "
        "pragma_index_info(l.name) ORDER BY seqno)) FROM sqlite_master m JOIN "
        "pragma_index_list(m.name) l WHERE m.type = 'table' AND l.\"unique\" = 1 AND l.origin != "
        "'pk'"));
    const auto pg_unique = listed(pg.exec(
        "SELECT t.relname, (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM "
        "unnest(i.indkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = "
        "t.oid AND a.attnum = k.attnum) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND "
        "i.indisunique AND NOT i.indisprimary AND t.relname != 'schema_version'"));
    EXPECT_EQ(lite_unique, pg_unique);
    EXPECT_FALSE(lite_unique.empty());
    std::filesystem::remove_all(dir);
}

TEST(PostgresInstances, OutboxWorkersOnSeveralInstancesTakeDifferentRows) {
    const std::string url = postgres().new_database();
    auto a_owner = storage::open_postgres(url, true), b_owner = storage::open_postgres(url, true);
    auto &a = *a_owner, &b = *b_owner;
    const auto city = a.add_city("Moscow")->id;
    for (int user = 1; user <= 20; ++user) {
        a.ensure_user(user, "user");
        order o;
        o.user_id = user;
        o.city_id = city;
        o.items = {{0, "x", 100, 1}};
        o.subtotal = o.total = 100;
        a.create_order(o, {}, {}, nullptr, {});
    }
    const auto now = util::unix_millis();
    auto first = a.due_outbox(now, 12, "a", 60'000);
    auto second = b.due_outbox(now, 12, "b", 60'000);
    EXPECT_EQ(first.size(), 12u);
    EXPECT_EQ(second.size(), 8u) << "leased rows are not handed out twice";
    for (const auto& r : first) {
        for (const auto& s : second) EXPECT_NE(r.id, s.id);
    }
    EXPECT_TRUE(a.due_outbox(now, 12, "a", 60'000).empty());
    a.outbox_failed(first[0].id, "a", 1, "HTTP 503", now,
                    nullptr);  // due again at once, lease released
    EXPECT_EQ(b.due_outbox(now + 1, 12, "b", 60'000).size(), 1u);
}

}  // namespace
}  // namespace ordercast::domain
