#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// Cities, managers' cities and who is online (docs/protocol.md §7, §11).
class catalog_api {
public:
    explicit catalog_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void list_cities(respond_fn respond);
    void route_presence(const call& c, respond_fn respond);
    void add_city(const auth::principal& who, const request& req, respond_fn respond);
    void set_manager_cities(const auth::principal& who, std::int64_t user_id, const request& req,
                            respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
