#pragma once

#include <utility>

#include "api/http_types.hpp"
#include "api/json_body.hpp"
#include "storage/db_call.hpp"

namespace ordercast::api {

// The answer for a request the database could not take on (its queue is full, or the
// request waited past its deadline).
inline response database_busy() {
    return error_response(http::status::service_unavailable, "database-busy",
                          "the database is too busy to take this request now; try again");
}

// The HTTP answer for database work that produced no result: the one mapping of every
// failure to a status and a JSON error.
template <typename T>
response failure_response(const storage::db_outcome<T>& out) {
    switch (out.failure) {
        case storage::db_failure::busy:
            return database_busy();
        case storage::db_failure::unavailable:
            return error_response(http::status::service_unavailable, "database-unavailable",
                                  "the database cannot be reached; try again");
        case storage::db_failure::refused:
            return error_response(*out.refusal);
        default:
            return error_response(http::status::internal_server_error, "internal",
                                  "internal error");
    }
}

// Runs `work(repository&) -> response` on a database thread and answers with its result,
// or with the JSON error its failure calls for.
template <typename Work>
void db_call(storage::db_executor& db, respond_fn respond, Work work) {
    storage::run_on_db(db, std::move(work), [respond](storage::db_outcome<response> out) {
        respond(out.ok() ? std::move(*out.value) : failure_response(out));
    });
}

}  // namespace ordercast::api
