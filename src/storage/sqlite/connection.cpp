#include "storage/sqlite/connection.hpp"

#include <boost/json.hpp>
#include <vector>

#include "storage/sqlite/migrations.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::storage::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, const char* what) {
    throw storage_error(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db));
}

std::string json_ids(const std::vector<std::int64_t>& ids) {
    boost::json::array a;
    for (auto id : ids) a.push_back(id);
    return boost::json::serialize(a);
}

std::string json_texts(const std::vector<std::string_view>& items) {
    boost::json::array a;
    for (auto item : items) a.emplace_back(item);
    return boost::json::serialize(a);
}

}  // namespace

struct connection::statement {
    statement(sqlite3* db, std::string_view sql) {
        if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
            fail(db, "prepare");
        // `$1`, `$2`... are named parameters to SQLite: where each one sits.
        for (int i = 1;; ++i) {
            const int at = sqlite3_bind_parameter_index(stmt, ("$" + std::to_string(i)).c_str());
            if (at == 0) break;
            slots.push_back(at);
        }
        read_only = sqlite3_stmt_readonly(stmt) != 0;
    }
    ~statement() { sqlite3_finalize(stmt); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    sqlite3_stmt* stmt = nullptr;
    std::vector<int> slots;  // slots[i]: the index of parameter $(i+1)
    bool read_only = false;
};

connection::connection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw storage_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    exec_script("PRAGMA journal_mode=WAL");
    exec_script("PRAGMA synchronous=NORMAL");
    exec_script("PRAGMA foreign_keys=ON");
    // After a checkpoint the WAL file is cut back to this size instead of staying as
    // large as its largest burst.
    exec_script("PRAGMA journal_size_limit=8388608");
}

connection::~connection() {
    cache_.clear();
    sqlite3_close_v2(db_);  // frees the handle even in an error state
}

void connection::exec_script(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw storage_error("sqlite: " + message);
    }
}

sql::rows connection::exec(std::string_view sql, std::span<const sql::param> params) {
    // Looked up by the text as given: a key is copied only the first time a statement runs.
    auto it = cache_.find(sql);
    if (it == cache_.end())
        it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, sql)).first;
    auto& st = *it->second;
    if (params.size() != st.slots.size())
        throw storage_error("sqlite: " + std::to_string(params.size()) + " parameters for " +
                            std::to_string(st.slots.size()) + " in: " + std::string(sql));
    // Reset however this ends: a SELECT left mid-way would keep a read snapshot open (hiding
    // other processes' writes, and blocking every checkpoint).
    struct reset_guard {
        sqlite3_stmt* s;
        ~reset_guard() {
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
        }
    } guard{st.stmt};
    std::string list;  // a list parameter's text, bound as a copy
    for (std::size_t i = 0; i < params.size(); ++i) {
        const int at = st.slots[i];
        int rc = SQLITE_OK;
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>) {
                    rc = sqlite3_bind_null(st.stmt, at);
                } else if constexpr (std::is_same_v<T, std::int64_t>) {
                    rc = sqlite3_bind_int64(st.stmt, at, v);
                } else if constexpr (std::is_same_v<T, sql::flag>) {
                    rc = sqlite3_bind_int64(st.stmt, at, v.value ? 1 : 0);
                } else if constexpr (std::is_same_v<T, std::string_view>) {
                    rc = sqlite3_bind_text(st.stmt, at, v.data(), static_cast<int>(v.size()),
                                           SQLITE_TRANSIENT);
                } else {
                    if constexpr (std::is_same_v<T, sql::id_list>) {
                        list = json_ids(v.ids);
                    } else {
                        list = json_texts(v.items);
                    }
                    rc = sqlite3_bind_text(st.stmt, at, list.data(), static_cast<int>(list.size()),
                                           SQLITE_TRANSIENT);
                }
            },
            params[i].get());
        if (rc != SQLITE_OK) fail(db_, "bind");
    }
    const int columns = sqlite3_column_count(st.stmt);
    std::vector<std::optional<std::string>> cells;
    for (;;) {
        const int rc = sqlite3_step(st.stmt);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) fail(db_, "step");
        for (int c = 0; c < columns; ++c) {
            const auto* text = sqlite3_column_text(st.stmt, c);
            if (!text) {
                cells.emplace_back();
                continue;
            }
            cells.emplace_back(
                std::string(reinterpret_cast<const char*>(text),
                            static_cast<std::size_t>(sqlite3_column_bytes(st.stmt, c))));
        }
    }
    return sql::rows(columns, std::move(cells), st.read_only ? 0 : sqlite3_changes(db_));
}

int schema_version(connection& c) {
    return static_cast<int>(c.exec("PRAGMA user_version").int64(0, 0));
}

void migrate(connection& c) {
    refuse_newer_schema(schema_version(c), migrations());
    for (const auto& m : migrations()) {
        if (m.version <= schema_version(c)) continue;
        sql::transaction tx(c);
        c.exec_script(m.sql);
        c.exec_script(("PRAGMA user_version = " + std::to_string(m.version)).c_str());
        tx.commit();
    }
}

}  // namespace ordercast::storage::sqlite
