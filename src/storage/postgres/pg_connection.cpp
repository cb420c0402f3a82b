#include "storage/postgres/pg_connection.hpp"

#include "storage/storage_error.hpp"

namespace ordercast::storage::postgres {

connection::connection(std::string url) : url_(std::move(url)) {
    ensure_connected();
}

connection::~connection() {
    if (conn_) PQfinish(conn_);
}

void connection::ensure_connected() {
    if (conn_ && PQstatus(conn_) == CONNECTION_OK) return;
    if (conn_) {
        PQreset(conn_);
    } else {
        conn_ = PQconnectdb(url_.c_str());
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
        throw storage_error(std::string("postgresql: ") + PQerrorMessage(conn_));
    }
}

result connection::exec(const char* sql, const std::vector<param>& params) {
    ensure_connected();
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& v : params) values.push_back(v ? v->c_str() : nullptr);
    PGresult* raw = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    check(raw);
    return result(raw);
}

void connection::exec_script(const char* sql) {
    ensure_connected();
    PGresult* raw = PQexec(conn_, sql);
    check(raw);
    PQclear(raw);
}

void connection::check(PGresult* raw) {
    // A null result (out of memory) reads as PGRES_FATAL_ERROR too.
    const auto status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    std::string message = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
    PQclear(raw);
    throw storage_error("postgresql: " + message);
}

}  // namespace ordercast::storage::postgres
