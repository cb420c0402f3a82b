#include "transport/cors.hpp"

#include "wire/ws_handshake.hpp"

namespace ordercast::transport {
namespace http = wire::http;

namespace {
constexpr const char* allowed_methods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr const char* allowed_headers =
    "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
// How long a browser may reuse a preflight's answer (seconds).
constexpr const char* max_age = "600";
}  // namespace

std::optional<std::string> cors::allowed_origin(const wire::request& req) const {
    auto origin = req.find(http::field::origin);
    if (origin == req.end()) return std::nullopt;
    const std::string value(origin->value());
    if (!wire::origin_allowed(value, allowed_)) return std::nullopt;
    return value;
}

bool cors::is_preflight(const wire::request& req) {
    return req.method() == http::verb::options && req.count(http::field::origin) &&
           req.count(http::field::access_control_request_method);
}

wire::response cors::preflight(const wire::request& req) const {
    auto origin = allowed_origin(req);
    if (!origin)
        return wire::error_response(http::status::forbidden, "forbidden-origin",
                                    "origin not allowed");
    wire::response res{http::status::no_content, req.version()};
    allow(res, *origin);
    res.set(http::field::access_control_allow_methods, allowed_methods);
    res.set(http::field::access_control_allow_headers, allowed_headers);
    res.set(http::field::access_control_max_age, max_age);
    return res;
}

void cors::allow(wire::response& res, const std::string& origin) {
    res.set(http::field::access_control_allow_origin, origin);
    res.set(http::field::vary, "Origin");
    // Headers a page on another origin may read (docs/protocol.md §7).
    res.set(http::field::access_control_expose_headers,
            "Retry-After, X-Request-Id, Idempotent-Replayed");
}

}  // namespace ordercast::transport
