#pragma once

#include <future>
#include <memory>
#include <optional>
#include <utility>

#include "storage/db_worker.hpp"

namespace ordercast::storage {

// Runs `f(repository&)` on the database thread and waits for its result; nothing when
// the database failed.
template <typename F>
auto on_db(db_worker& db, F f) -> std::optional<decltype(f(std::declval<domain::repository&>()))> {
    using result = decltype(f(std::declval<domain::repository&>()));
    auto promise = std::make_shared<std::promise<std::optional<result>>>();
    auto future = promise->get_future();
    db.post(
        [promise, f = std::move(f)](domain::repository& repo) {
            try {
                promise->set_value(f(repo));
            } catch (...) {
                promise->set_value(std::nullopt);
                throw;
            }
        },
        [promise] { promise->set_value(std::nullopt); });
    return future.get();
}

}  // namespace ordercast::storage
