#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// Publishing from other backends (docs/protocol.md §6).
class events_api {
public:
    explicit events_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void publish_event(const auth::principal& who, const request& req, respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
