#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "auth/jwt.hpp"
#include "metrics/registry.hpp"

namespace ordercast::transport {

// What every connection of the gateway needs to know; owned by the app.
struct gateway_context {
    const auth::jwt_verifier& verifier;
    api::router& router;
    metrics::registry& metrics;
    std::vector<std::string> allowed_origins;
    // A manager's cities when the token names none (answering on any thread); unset: none.
    std::function<void(std::int64_t user_id, std::function<void(std::vector<std::int64_t>)> done)>
        manager_cities;
};

}  // namespace ordercast::transport
