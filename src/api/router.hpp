#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "api/http_types.hpp"
#include "auth/jwt.hpp"
#include "broker/broker.hpp"
#include "metrics/registry.hpp"
#include "realtime/event.hpp"

namespace ordercast::api {

struct api_context {
    const auth::jwt_verifier& verifier;
    broker::broker& events;
    realtime::delivery& local;
    metrics::registry& metrics;
};

// Maps each HTTP request to its handler (PROTOCOL.md §6–7); every error is JSON.
class router {
public:
    explicit router(api_context ctx) : ctx_(ctx) {}

    void handle(const request& req, respond_fn respond);

private:
    // The caller's principal, or the 401 to send.
    std::variant<auth::principal, response> authenticate(const request& req);
    void publish_event(const request& req, respond_fn respond);
    void metrics(respond_fn respond);
    void ready(respond_fn respond);

    api_context ctx_;
};

// The bearer token of an `Authorization` header value, if it has one.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace ordercast::api
