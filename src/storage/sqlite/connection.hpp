#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sql/db.hpp"

namespace ordercast::storage::sqlite {

// One SQLite database file in WAL mode: the SQLite side of sql::db. Statements are
// prepared once and cached by their text; `$N` placeholders are bound by name.
class connection final : public sql::db {
public:
    explicit connection(const std::string& path);
    ~connection() override;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    sql::dialect kind() const override { return sql::dialect::sqlite; }
    using sql::db::exec;
    sql::rows exec(std::string_view sql, std::span<const sql::param> params) override;
    // Runs SQL without parameters or results (PRAGMAs, migration scripts).
    void exec_script(const char* sql);
    void begin() override { exec_script("BEGIN IMMEDIATE"); }
    void commit() override { exec_script("COMMIT"); }
    void rollback() override { exec_script("ROLLBACK"); }

private:
    struct statement;
    sqlite3* db_ = nullptr;
    // Transparent: found by a string_view without building a std::string.
    struct text_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::unordered_map<std::string, std::unique_ptr<statement>, text_hash, std::equal_to<>> cache_;
};

// Applies the migrations the file does not have yet (PRAGMA user_version records the last);
// refuses a schema newer than this build knows.
void migrate(connection& c);
int schema_version(connection& c);

}  // namespace ordercast::storage::sqlite
