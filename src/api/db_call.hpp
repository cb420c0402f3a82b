#pragma once

#include <spdlog/spdlog.h>
#include <exception>

#include "api/http_types.hpp"
#include "api/json_body.hpp"
#include "domain/error.hpp"
#include "storage/db_worker.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::api {

// Runs `work(repository&) -> response` on the database thread and answers with its result,
// or with the JSON error a domain::error or a failed database calls for.
template <typename Work>
void db_call(storage::db_worker& db, respond_fn respond, Work work) {
    db.post([respond = std::move(respond),
             work = std::move(work)](domain::repository& repo) mutable {
        try {
            respond(work(repo));
        } catch (const domain::error& e) {
            respond(error_response(e));
        } catch (const storage::storage_error&) {
            respond(api::error_response(http::status::service_unavailable, "database-unavailable",
                                        "the database cannot be reached; try again"));
            throw;  // marks the database unhealthy for /readyz
        } catch (const std::exception& e) {
            spdlog::error("request failed: {}", e.what());
            respond(api::error_response(http::status::internal_server_error, "internal",
                                        "internal error"));
        }
    });
}

}  // namespace ordercast::api
