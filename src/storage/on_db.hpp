#pragma once

#include <future>
#include <memory>
#include <optional>
#include <utility>

#include "storage/db_call.hpp"

namespace ordercast::storage {

// Runs `f(repository&)` on a database thread and waits for its result; nothing when the
// database failed or refused the job. For threads of their own (background rounds, start-up),
// never for a network thread.
template <typename F>
auto on_db(db_executor& db, F f) -> std::optional<db_result_t<F>> {
    using result = db_result_t<F>;
    auto promise = std::make_shared<std::promise<std::optional<result>>>();
    auto future = promise->get_future();
    run_on_db(db, std::move(f),
              [promise](db_outcome<result> out) { promise->set_value(std::move(out.value)); });
    return future.get();
}

}  // namespace ordercast::storage
