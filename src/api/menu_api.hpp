#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// The menu (docs/protocol.md §7).
class menu_api {
public:
    explicit menu_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void list_menu(const auth::principal& who, std::string_view query, respond_fn respond);
    void add_menu_item(const auth::principal& who, const request& req, respond_fn respond);
    void change_menu_item(const auth::principal& who, std::int64_t id, const request& req,
                          respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
