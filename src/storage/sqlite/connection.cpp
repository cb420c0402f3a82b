#include "storage/sqlite/connection.hpp"

#include "storage/storage_error.hpp"

namespace ordercast::storage::sqlite {

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK) {
        throw storage_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
    }
}

statement::~statement() {
    sqlite3_finalize(stmt_);
}

statement& statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

statement& statement::bind(int index, std::string_view value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

statement& statement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw storage_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

void statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

connection::connection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw storage_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    // After a checkpoint the WAL file is cut back to this size instead of staying as
    // large as its largest burst.
    exec("PRAGMA journal_size_limit=8388608");
}

void connection::reset_statements() {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s; s = sqlite3_next_stmt(db_, s)) {
        if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
    }
}

connection::~connection() {
    cache_.clear();
    sqlite3_close_v2(db_);  // frees the handle even in an error state
}

void connection::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw storage_error("sqlite: " + message);
    }
}

statement_ref connection::prepare(const char* sql) {
    auto& slot = cache_[sql];
    if (!slot) slot = std::make_unique<statement>(db_, sql);
    return statement_ref(*slot);
}

}  // namespace ordercast::storage::sqlite
