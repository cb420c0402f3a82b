#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwt.hpp"
#include "metrics/registry.hpp"
#include "wire/http_types.hpp"

namespace ordercast::transport {

// What every connection of the gateway needs to know; owned by the app.
struct gateway_context {
    const auth::jwt_verifier& verifier;
    wire::http_handler& router;
    metrics::registry& metrics;
    std::vector<std::string> allowed_origins;
    // The principal as the server judges it, answering on any thread (at once when the token
    // needs no database): nothing refuses the socket (4001). Unset: tokens are taken as they
    // are. Which tokens need the database is the domain's rule, not transport's.
    std::function<void(auth::principal who,
                       std::function<void(std::optional<auth::principal>)> done)>
        resolve;
};

}  // namespace ordercast::transport
