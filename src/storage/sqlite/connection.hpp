#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/transaction.hpp"

namespace ordercast::storage::sqlite {

// A prepared statement, reset after each use. Throws storage_error on failure.
class statement {
public:
    statement(sqlite3* db, std::string_view sql);
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& bind(int index, std::int64_t value);
    statement& bind(int index, std::string_view value);
    statement& bind_null(int index);
    // Runs to the next row: true when there is one.
    bool step();
    void reset();

    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    std::string text(int column) const;
    bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// A cached statement in use: reset when this goes out of scope, so that no finished or
// abandoned SELECT keeps a read snapshot open (which would hide other processes' writes
// and turn the next write into SQLITE_BUSY).
class statement_ref {
public:
    explicit statement_ref(statement& s) : s_(&s) {}
    ~statement_ref() { s_->reset(); }
    statement_ref(const statement_ref&) = delete;
    statement_ref& operator=(const statement_ref&) = delete;

    statement_ref& bind(int index, std::int64_t value) {
        s_->bind(index, value);
        return *this;
    }
    statement_ref& bind(int index, std::string_view value) {
        s_->bind(index, value);
        return *this;
    }
    bool step() { return s_->step(); }
    std::int64_t int64(int column) const { return s_->int64(column); }
    std::string text(int column) const { return s_->text(column); }
    const statement& get() const { return *s_; }

private:
    statement* s_;
};

// One SQLite database file in WAL mode, with its statements cached by SQL text.
class connection {
public:
    explicit connection(const std::string& path);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void exec(const char* sql);
    void rollback() { exec("ROLLBACK"); }
    // The cached statement for `sql`, with its bindings cleared; reset again after use.
    statement_ref prepare(const char* sql);
    // A statement for SQL built at run time, not cached.
    std::unique_ptr<statement> compile(const std::string& sql) {
        return std::make_unique<statement>(db_, sql);
    }
    std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
    // Resets every statement still stepping. A SELECT left mid-way holds a read snapshot
    // past COMMIT, and then no checkpoint can ever finish: the WAL grows without bound.
    void reset_statements();
    int changes() const { return sqlite3_changes(db_); }

private:
    sqlite3* db_ = nullptr;
    std::unordered_map<const char*, std::unique_ptr<statement>> cache_;
};

// BEGIN IMMEDIATE: the write lock up front, so a transaction never fails half-way on it.
class transaction : public basic_transaction<connection> {
public:
    explicit transaction(connection& c) : basic_transaction(c, "BEGIN IMMEDIATE"), c_(c) {}
    // Nothing read inside the transaction outlives it, whatever its statements' scope.
    void commit() {
        c_.reset_statements();
        basic_transaction::commit();
    }

private:
    connection& c_;
};

}  // namespace ordercast::storage::sqlite
