#include "storage/database_url.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/temp_dir.hpp"

namespace ordercast::storage::sqlite {
namespace {

class SqliteRepository : public ::testing::Test {
protected:
    void SetUp() override { dir_ = testing::make_temp_dir(); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string path() const { return (dir_ / "nested" / "db.sqlite").string(); }
    std::filesystem::path dir_;
};

TEST_F(SqliteRepository, CreatesTheFileAndAppliesMigrationsOnce) {
    {
        auto repo = open_sqlite(path());
        repo->add_city("Moscow");
    }
    auto again = open_sqlite(path());  // a second start must not re-run anything
    ASSERT_EQ(again->list_cities().size(), 1u);
    connection c(path());
    EXPECT_EQ(schema_version(c), migrations().back().version);
    EXPECT_TRUE(std::filesystem::exists(path())) << "the file was created in its new folder";
}

TEST_F(SqliteRepository, KeepsCommittedWorkAcrossReopening) {
    std::int64_t order_id = 0;
    {
        auto repo_owner = open_sqlite(path());
        auto& repo = *repo_owner;
        auto city = repo.add_city("Moscow");
        repo.ensure_user(7, "user");
        domain::order o;
        o.user_id = 7;
        o.city_id = city->id;
        o.items = {{0, "Soup", 30000, 1}};
        o.subtotal = o.total = 30000;
        o.bonuses_earned = 1500;
        order_id = repo.create_order(o, {}, {}, nullptr, {})->placed.id;
        repo.change_status(order_id, domain::order_status::pending, domain::order_status::completed,
                           {"earned", 1500}, {}, {});
    }
    auto repo_owner = open_sqlite(path());
    auto& repo = *repo_owner;
    auto o = repo.find_order(order_id);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->status, domain::order_status::completed);
    EXPECT_EQ(o->items[0].name, "Soup");
    EXPECT_EQ(repo.bonuses(7, 10).first, 1500);
}

TEST_F(SqliteRepository, NeverLetsABalanceGoNegative) {
    auto repo_owner = open_sqlite(path());
    auto& repo = *repo_owner;
    auto city = repo.add_city("Moscow");
    repo.ensure_user(7, "user");
    domain::order o;
    o.user_id = 7;
    o.city_id = city->id;
    o.items = {{0, "Soup", 100, 1}};
    o.subtotal = 100;
    o.bonuses_used = 1;
    o.total = 99;
    EXPECT_FALSE(repo.create_order(o, {}, {}, nullptr, {})) << "no balance, no spending";
    EXPECT_TRUE(repo.list_orders({.limit = 10}).empty()) << "and no order left behind";
}

TEST_F(SqliteRepository, AppliesAStatusChangeOnlyFromTheExpectedStatus) {
    auto repo_owner = open_sqlite(path());
    auto& repo = *repo_owner;
    auto city = repo.add_city("Moscow");
    repo.ensure_user(7, "user");
    domain::order o;
    o.user_id = 7;
    o.city_id = city->id;
    o.items = {{0, "Soup", 100, 1}};
    o.subtotal = o.total = 100;
    const auto id = repo.create_order(o, {}, {}, nullptr, {})->placed.id;
    EXPECT_TRUE(repo.change_status(id, domain::order_status::pending,
                                   domain::order_status::confirmed, {}, {}, {}));
    EXPECT_FALSE(repo.change_status(id, domain::order_status::pending,
                                    domain::order_status::cancelled, {}, {}, {}));
    EXPECT_EQ(repo.find_order(id)->status, domain::order_status::confirmed);
}

TEST_F(SqliteRepository, CitiesAndManagers) {
    auto repo_owner = open_sqlite(path());
    auto& repo = *repo_owner;
    auto a = repo.add_city("Moscow");
    EXPECT_FALSE(repo.add_city("Moscow")) << "names are unique";
    auto b = repo.add_city("Kazan");
    const auto olga = repo.add_staff_user("olga", "hash", "manager", {a->id, b->id});
    EXPECT_EQ(repo.manager_cities(olga), (std::vector<std::int64_t>{a->id, b->id}));
    repo.set_manager_cities(olga, {b->id});
    EXPECT_EQ(repo.manager_cities(olga), (std::vector<std::int64_t>{b->id}));
    const auto boss = repo.add_staff_user("boss", "hash", "admin", {});
    ASSERT_TRUE(repo.find_staff("boss"));
    EXPECT_EQ(repo.find_staff("boss")->id, boss);
    EXPECT_EQ(repo.add_staff_user("boss", "hash", "admin", {}), 0) << "logins are unique";
    EXPECT_FALSE(repo.find_staff("nobody"));
}

// Before: a cached SELECT still stepping at COMMIT held a read snapshot, no checkpoint
// could finish, and 4,000 orders left a 121 MB WAL beside a 4 KB database.
TEST_F(SqliteRepository, KeepsTheWalSmallOverThousandsOfOrders) {
    auto repo_owner = open_sqlite(path());
    auto& repo = *repo_owner;
    auto city = repo.add_city("Moscow");
    repo.ensure_user(7, "user");
    for (int i = 0; i < 3000; ++i) {
        domain::order o;
        o.user_id = 7;
        o.city_id = city->id;
        o.items = {{0, "Soup with a long enough name to fill some pages", 30000, 1}};
        o.subtotal = o.total = 30000;
        o.comment = std::string(200, 'c');
        ASSERT_TRUE(repo.create_order(o, {}, {}, nullptr, {}));
    }
    const auto wal = std::filesystem::file_size(path() + "-wal");
    // The WAL is checkpointed every ~1000 pages (4 MiB) and cut back to 8 MiB at most.
    EXPECT_LT(wal, 9u << 20) << "WAL of " << wal << " bytes";
}

}  // namespace
}  // namespace ordercast::storage::sqlite
