#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// Staff accounts over HTTP (docs/protocol.md §7).
class staff_api {
public:
    explicit staff_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void route_list_staff(const call& c, respond_fn respond);
    void route_add_staff(const call& c, respond_fn respond);
    void route_remove_staff(const call& c, respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
