#pragma once

#include <atomic>

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordercast::storage::postgres {

// A query result; rows and columns by index, values as text.
class result {
public:
    explicit result(PGresult* r) : r_(r, PQclear) {}
    int rows() const { return PQntuples(r_.get()); }
    int columns() const { return PQnfields(r_.get()); }
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

// `url` with the defaults a server needs where the URL does not set them itself: a connect
// timeout, TCP keepalives and a statement timeout, so that a vanished or stuck PostgreSQL
// turns into an error instead of a thread that waits forever.
std::string with_defaults(const std::string& url);

// How long a query may take before the server cancels it (statement_timeout), and how
// long past that we wait before giving the connection up ourselves (a server that does not
// answer at all — stopped, or behind a dead network — never cancels anything).
inline constexpr int statement_timeout_ms = 5000;
inline constexpr int answer_grace_ms = 1000;
// A session idle inside a transaction this long is ended by the server (its locks freed);
// a statement waits at most lock_timeout_ms for a row lock.
inline constexpr int idle_timeout_ms = 2000;
inline constexpr int lock_timeout_ms = 4000;

// One libpq connection. A broken connection is re-established on the next call; failures
// throw storage_error (the API answers 503 and the server keeps running). Every query has a
// deadline, and cancel() (from any thread) ends the one under way at once.
class connection {
public:
    explicit connection(std::string url);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    result exec(const char* sql, const std::vector<param>& params = {});
    void exec_script(const char* sql);
    // Ends the transaction under way. A connection already given up rolled back with it:
    // nothing is sent and no new connection is made (a destructor must not wait for one).
    void rollback();
    // Thread-safe: the query under way, and every later one, fail at once.
    void cancel() { cancelled_ = true; }

private:
    void ensure_connected();
    result exec_once(const char* sql, const std::vector<param>& params);
    // Waits for the answer of what was sent, within the deadline; nullptr once it is all in.
    PGresult* await_result();
    // Gives the connection up and throws; `lost` when it died under us (worth one retry).
    [[noreturn]] void drop(const std::string& why, bool lost);
    void check(PGresult* raw);

    std::string url_;
    PGconn* conn_ = nullptr;
    bool in_transaction_ = false;
    bool lost_ = false;  // the last drop was a lost connection
    std::atomic<bool> cancelled_{false};
};

inline param p(std::int64_t v) {
    return std::to_string(v);
}
inline param p(std::string_view v) {
    return std::string(v);
}

}  // namespace ordercast::storage::postgres
