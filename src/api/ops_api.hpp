#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// What operators and orchestrators ask: liveness, readiness, metrics.
class ops_api {
public:
    explicit ops_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void ready(respond_fn respond);
    void metrics(respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
