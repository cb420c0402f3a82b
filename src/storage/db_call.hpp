#pragma once

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "domain/error.hpp"
#include "storage/db_executor.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::storage {

// Why database work produced no result.
enum class db_failure : unsigned char {
    none,
    busy,         // refused: the queue was full, the job waited past its deadline, stopping
    unavailable,  // the database failed (storage_error)
    refused,      // the domain said no (domain::error)
    internal,     // anything else thrown: a bug, logged
};

// The one shape every outcome of database work takes.
template <typename T>
struct db_outcome {
    std::optional<T> value;  // set exactly when failure is none
    db_failure failure = db_failure::none;
    std::optional<domain::error> refusal;  // the domain's error when failure is refused

    bool ok() const { return failure == db_failure::none; }
};

template <typename Work>
using db_result_t =
    std::conditional_t<std::is_void_v<std::invoke_result_t<Work, domain::repository&>>,
                       std::monostate, std::invoke_result_t<Work, domain::repository&>>;

// Runs `work(repository&)` on a database thread and hands `done` its outcome — result,
// refusal, failed database, domain error or any other exception — exactly once, never on
// the caller's stack. Every "run this on the database and come back" goes through here, so
// there is one exception policy: a storage_error still reaches the executor afterwards,
// which marks the database unhealthy.
template <typename Work, typename Done>
void run_on_db(db_executor& db, Work work, Done done) {
    using T = db_result_t<Work>;
    db.post(
        [work = std::move(work), done](domain::repository& repo) mutable {
            db_outcome<T> out;
            std::exception_ptr failed_db;
            try {
                if constexpr (std::is_void_v<std::invoke_result_t<Work, domain::repository&>>) {
                    work(repo);
                    out.value.emplace();
                } else {
                    out.value.emplace(work(repo));
                }
            } catch (const domain::error& e) {
                out.failure = db_failure::refused;
                out.refusal = e;
            } catch (const storage_error&) {
                out.failure = db_failure::unavailable;
                failed_db = std::current_exception();
            } catch (const std::exception& e) {
                spdlog::error("database job failed: {}", e.what());
                out.failure = db_failure::internal;
            }
            done(std::move(out));
            if (failed_db) std::rethrow_exception(failed_db);
        },
        [done]() mutable {
            db_outcome<T> out;
            out.failure = db_failure::busy;
            done(std::move(out));
        });
}

}  // namespace ordercast::storage
