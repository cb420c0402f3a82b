#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// What operators, orchestrators and browsers fetch: liveness, readiness, metrics, and the files
// served as they are (/client.js, /openapi.json).
class ops_api {
public:
    explicit ops_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void ready(respond_fn respond);
    void metrics(respond_fn respond);
    void route_asset(const call& c, respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
