#pragma once

#include <functional>

#include "domain/repository.hpp"

namespace ordercast::storage {

// Where database work runs. The one promise every caller relies on: `post` never runs
// `work` or `refused` on the caller's stack. A refusal (queue full, stopping, waited past
// its deadline) reaches the caller later, on another thread, exactly like a result does, so
// a caller may post while holding its own lock and take that lock again in its callback.
class db_executor {
public:
    using job = std::function<void(domain::repository&)>;
    using refusal = std::function<void()>;

    virtual ~db_executor() = default;
    // Exactly one of `work` and `refused` runs, once.
    virtual void post(job work, refusal refused) = 0;
};

}  // namespace ordercast::storage
