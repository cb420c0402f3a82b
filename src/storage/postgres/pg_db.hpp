#pragma once

#include <string>

#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/db.hpp"

namespace ordercast::storage::postgres {

// The PostgreSQL side of sql::db: one libpq connection (its deadlines, reconnects and
// cancel()), statements sent with their parameters as text.
class pg_db final : public sql::db {
public:
    explicit pg_db(std::string url) : c_(std::move(url)) {}

    sql::dialect kind() const override { return sql::dialect::postgres; }
    using sql::db::exec;
    sql::rows exec(std::string_view sql, std::span<const sql::param> params) override;
    void begin() override { c_.exec("BEGIN"); }
    void commit() override { c_.exec("COMMIT"); }
    void rollback() override { c_.rollback(); }
    void cancel() override { c_.cancel(); }
    connection& raw() { return c_; }

private:
    connection c_;
};

// Applies the migrations the database does not have yet, under an advisory lock (instances
// may start together); refuses a schema newer than this build knows.
void migrate(pg_db& d);

}  // namespace ordercast::storage::postgres
