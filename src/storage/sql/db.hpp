#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The few things the one SQL repository needs of a database connection, implemented by the
// SQLite and the PostgreSQL connection alike. Statements are written once, with PostgreSQL's
// `$1` placeholders (SQLite reads them as named parameters).
namespace ordercast::storage::sql {

enum class dialect { sqlite, postgres };

// A list as one parameter: JSON text for SQLite's json_each, an array literal for
// PostgreSQL's unnest (see sql_repository's id_rows / text_rows).
struct id_list {
    const std::vector<std::int64_t>& ids;
};
struct text_list {
    const std::vector<std::string_view>& items;
};
// A boolean column's value: 0/1 on SQLite, true/false on PostgreSQL.
struct flag {
    bool value;
};

// One parameter. Text is referenced, not copied: parameters live for the one call.
class param {
public:
    param(std::nullptr_t) : v_(nullptr) {}
    param(std::int64_t v) : v_(v) {}
    param(int v) : v_(static_cast<std::int64_t>(v)) {}
    param(std::string_view v) : v_(v) {}
    param(const std::string& v) : v_(std::string_view(v)) {}
    param(const char* v) : v_(std::string_view(v)) {}
    param(flag v) : v_(v) {}
    param(id_list v) : v_(v) {}
    param(text_list v) : v_(v) {}
    param(bool) = delete;  // a flag{...} for a boolean column, an integer otherwise

    using value =
        std::variant<std::nullptr_t, std::int64_t, std::string_view, flag, id_list, text_list>;
    const value& get() const { return v_; }

private:
    value v_;
};

// The rows a statement returned (all of them, read before the statement is reused), and
// how many rows it changed.
class rows {
public:
    rows() = default;
    rows(int columns, std::vector<std::optional<std::string>> cells, std::int64_t affected)
        : columns_(columns), cells_(std::move(cells)), affected_(affected) {}

    int size() const { return columns_ ? static_cast<int>(cells_.size()) / columns_ : 0; }
    bool empty() const { return size() == 0; }
    bool is_null(int row, int column) const { return !cell(row, column); }
    // NULL reads as 0 and "".
    std::int64_t int64(int row, int column) const;
    std::string text(int row, int column) const { return cell(row, column).value_or(""); }
    bool flag(int row, int column) const;
    std::int64_t affected() const { return affected_; }

private:
    const std::optional<std::string>& cell(int row, int column) const {
        return cells_.at(static_cast<std::size_t>(row * columns_ + column));
    }
    int columns_ = 0;
    std::vector<std::optional<std::string>> cells_;
    std::int64_t affected_ = 0;
};

class db {
public:
    virtual ~db() = default;
    virtual dialect kind() const = 0;
    // Runs one statement; throws storage_error. Statements are cached by their text.
    virtual rows exec(std::string_view sql, std::span<const param> params) = 0;
    rows exec(std::string_view sql, std::initializer_list<param> params = {}) {
        return exec(sql, std::span<const param>(params.begin(), params.size()));
    }
    // BEGIN (IMMEDIATE on SQLite: the write lock up front), COMMIT, ROLLBACK.
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // Thread-safe: the statement under way and every later one fail at once.
    virtual void cancel() {}
};

// Rolled back unless committed.
class transaction {
public:
    explicit transaction(db& d) : d_(d) { d_.begin(); }
    ~transaction() {
        if (done_) return;
        try {
            d_.rollback();
        } catch (...) {
            // A broken connection has rolled back by itself.
        }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit() {
        d_.commit();
        done_ = true;
    }

private:
    db& d_;
    bool done_ = false;
};

}  // namespace ordercast::storage::sql
