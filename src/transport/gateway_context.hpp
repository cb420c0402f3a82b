#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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
    // The principal as the database knows it (domain::resolve_principal), answering on any
    // thread: nothing refuses the socket (4001). Unset: tokens are taken as they are.
    std::function<void(auth::principal who,
                       std::function<void(std::optional<auth::principal>)> done)>
        resolve;
};

}  // namespace ordercast::transport
