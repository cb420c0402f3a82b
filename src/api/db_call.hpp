#pragma once

#include <spdlog/spdlog.h>
#include <exception>

#include "api/http_types.hpp"
#include "api/json_body.hpp"
#include "domain/error.hpp"
#include "storage/db_worker.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::api {

// The answer for a request the database could not take on (its queue is full, or the
// request waited past its deadline).
inline response database_busy() {
    return error_response(http::status::service_unavailable, "database-busy",
                          "the database is too busy to take this request now; try again");
}

// Runs `work(repository&) -> response` on a database thread and answers with its result,
// or with the JSON error a domain::error, a failed database or a full queue calls for.
template <typename Work>
void db_call(storage::db_worker& db, respond_fn respond, Work work) {
    db.post(
        [respond, work = std::move(work)](domain::repository& repo) mutable {
            try {
                respond(work(repo));
            } catch (const domain::error& e) {
                respond(error_response(e));
            } catch (const storage::storage_error&) {
                respond(api::error_response(http::status::service_unavailable,
                                            "database-unavailable",
                                            "the database cannot be reached; try again"));
                throw;  // marks the database unhealthy
            } catch (const std::exception& e) {
                spdlog::error("request failed: {}", e.what());
                respond(api::error_response(http::status::internal_server_error, "internal",
                                            "internal error"));
            }
        },
        [respond] { respond(database_busy()); });
}

}  // namespace ordercast::api
