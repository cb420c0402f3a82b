#pragma once

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
};

}  // namespace ordercast::transport
