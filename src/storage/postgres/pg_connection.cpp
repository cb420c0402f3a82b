#include "storage/postgres/pg_connection.hpp"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include <spdlog/spdlog.h>

#include "storage/storage_error.hpp"

namespace ordercast::storage::postgres {
namespace {

void log_notice(void*, const char* message) {
    std::string_view text(message);
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    spdlog::debug("postgresql: {}", text);
}

}  // namespace

std::string with_defaults(const std::string& url) {
    const std::pair<const char*, std::string> defaults[] = {
        {"connect_timeout", "3"},
        {"keepalives", "1"},
        {"keepalives_idle", "10"},
        {"keepalives_interval", "5"},
        {"keepalives_count", "3"},
        // A frozen instance mid-transaction (SIGSTOP, a stalled VM) holds the event log's
        // counter row: the server ends its session after idle_timeout_ms, so the other
        // instances stall that long at most, and a waiter gives up after lock_timeout_ms.
        {"options", "-c%20statement_timeout%3D" + std::to_string(statement_timeout_ms) +
                        "%20-c%20idle_in_transaction_session_timeout%3D" +
                        std::to_string(idle_timeout_ms) + "%20-c%20lock_timeout%3D" +
                        std::to_string(lock_timeout_ms)},
    };
    std::string out = url;
    const auto query = url.find('?');
    for (const auto& [key, value] : defaults) {
        const std::string field = std::string(key) + "=";
        const bool given =
            query != std::string::npos && (url.find("?" + field, query) != std::string::npos ||
                                           url.find("&" + field, query) != std::string::npos);
        if (given) continue;
        out += out.find('?') == std::string::npos ? '?' : '&';
        out += field + value;
    }
    return out;
}

connection::connection(std::string url) : url_(with_defaults(url)) {
    ensure_connected();
}

connection::~connection() {
    if (conn_) PQfinish(conn_);
}

void connection::ensure_connected() {
    if (cancelled_) throw storage_error("postgresql: cancelled: the server is stopping");
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return;
    if (conn_) {
        PQreset(conn_);
    } else {
        conn_ = PQconnectdb(url_.c_str());
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
        throw storage_error(std::string("postgresql: ") + PQerrorMessage(conn_));
    }
    // libpq prints NOTICEs ("relation ... already exists") on stderr by default, which breaks
    // one-JSON-object-per-line logs: they go through the logger, at debug.
    PQsetNoticeProcessor(conn_, log_notice, nullptr);
}

void connection::drop(const std::string& why, bool lost) {
    PQfinish(conn_);
    conn_ = nullptr;
    in_transaction_ = false;
    lost_ = lost;
    throw storage_error("postgresql: " + why);
}

PGresult* connection::await_result() {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(statement_timeout_ms + answer_grace_ms);
    for (;;) {
        if (cancelled_) drop("cancelled: the server is stopping", false);
        if (!PQconsumeInput(conn_)) drop(PQerrorMessage(conn_), true);
        if (!PQisBusy(conn_)) return PQgetResult(conn_);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) drop("no answer in time; the connection is given up", false);
        // Short slices, so that cancel() is noticed soon.
        pollfd fd{PQsocket(conn_), POLLIN, 0};
        ::poll(&fd, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 100)));
    }
}

result connection::exec(const char* sql, const std::vector<param>& params) {
    // A connection that died while idle (the server restarted) is only found out by using
    // it: a statement outside a transaction (or the BEGIN of one) is sent again on a new one.
    const bool retryable = !in_transaction_;
    try {
        return exec_once(sql, params);
    } catch (const storage_error&) {
        const bool retry = retryable && lost_ && !cancelled_;
        lost_ = false;
        if (!retry) throw;
    }
    return exec_once(sql, params);
}

result connection::exec_once(const char* sql, const std::vector<param>& params) {
    const bool begins = std::strcmp(sql, "BEGIN") == 0;
    const bool ends = std::strcmp(sql, "COMMIT") == 0 || std::strcmp(sql, "ROLLBACK") == 0;
    ensure_connected();
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& v : params) values.push_back(v ? v->c_str() : nullptr);
    if (!PQsendQueryParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(),
                           nullptr, nullptr, 0)) {
        drop(PQerrorMessage(conn_), true);
    }
    // Owned from here: draining may find the connection gone (and throw).
    std::unique_ptr<PGresult, void (*)(PGresult*)> raw(await_result(), PQclear);
    // One statement, one result: drain to the end so the connection is ready again.
    while (PGresult* extra = await_result()) PQclear(extra);
    check(raw.get());
    PGresult* kept = raw.release();
    if (begins) in_transaction_ = true;
    if (ends) in_transaction_ = false;
    return result(kept);
}

void connection::rollback() {
    if (!conn_ || !in_transaction_ || PQstatus(conn_) != CONNECTION_OK) return;
    exec_once("ROLLBACK", {});
}

void connection::exec_script(const char* sql) {
    ensure_connected();
    if (!PQsendQuery(conn_, sql)) drop(PQerrorMessage(conn_), true);
    // A script answers once per statement; the first failure is the one to report.
    std::unique_ptr<PGresult, void (*)(PGresult*)> failed(nullptr, PQclear);
    while (PGresult* raw = await_result()) {
        const auto status = PQresultStatus(raw);
        if (!failed && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            failed.reset(raw);
        } else {
            PQclear(raw);
        }
    }
    if (failed) check(failed.get());
}

void connection::check(PGresult* raw) {
    // A null result (out of memory) reads as PGRES_FATAL_ERROR too.
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    // The caller owns `raw` (and clears it).
    throw storage_error(std::string("postgresql: ") +
                        (raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_)));
}

}  // namespace ordercast::storage::postgres
