#pragma once

#include <optional>
#include <string>
#include <vector>

#include "wire/http_types.hpp"

namespace ordercast::transport {

// CORS for the HTTP API (docs/protocol.md §7), governed by ALLOWED_ORIGINS like the sockets:
// an empty list allows any origin.
class cors {
public:
    explicit cors(const std::vector<std::string>& allowed) : allowed_(allowed) {}

    // The request's Origin when it is present and allowed: echoed on its answer.
    std::optional<std::string> allowed_origin(const wire::request& req) const;
    // An OPTIONS request with Origin and Access-Control-Request-Method.
    static bool is_preflight(const wire::request& req);
    // 204 with the Access-Control-* headers for an allowed origin; 403 (no CORS headers)
    // for another.
    wire::response preflight(const wire::request& req) const;
    // Adds Access-Control-Allow-Origin and Vary to an answer for `origin`.
    static void allow(wire::response& res, const std::string& origin);

private:
    const std::vector<std::string>& allowed_;
};

}  // namespace ordercast::transport
