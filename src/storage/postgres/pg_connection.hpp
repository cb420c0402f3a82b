#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/transaction.hpp"

namespace ordercast::storage::postgres {

// A query result; rows and columns by index, values as text.
class result {
public:
    explicit result(PGresult* r) : r_(r, PQclear) {}
    int rows() const { return PQntuples(r_.get()); }
    bool empty() const { return rows() == 0; }
    std::string text(int row, int column) const { return PQgetvalue(r_.get(), row, column); }
    std::int64_t int64(int row, int column) const {
        return std::stoll(PQgetvalue(r_.get(), row, column));
    }
    bool is_null(int row, int column) const { return PQgetisnull(r_.get(), row, column) != 0; }
    std::int64_t affected() const {
        const char* n = PQcmdTuples(r_.get());
        return *n ? std::stoll(n) : 0;
    }

private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

// A parameter: text or SQL NULL.
using param = std::optional<std::string>;

// One libpq connection. A broken connection is re-established on the next call; failures
// throw storage_error (the API answers 503 and the server keeps running).
class connection {
public:
    explicit connection(std::string url);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    result exec(const char* sql, const std::vector<param>& params = {});
    void exec_script(const char* sql);

private:
    void ensure_connected();
    void check(PGresult* raw);

    std::string url_;
    PGconn* conn_ = nullptr;
};

class transaction : public basic_transaction<connection> {
public:
    explicit transaction(connection& c) : basic_transaction(c, "BEGIN") {}
};

inline param p(std::int64_t v) {
    return std::to_string(v);
}
inline param p(std::string_view v) {
    return std::string(v);
}

}  // namespace ordercast::storage::postgres
