#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/rate_window.hpp"
#include "api/route_table.hpp"
#include "domain/order.hpp"

namespace ordercast::api {

// Orders and bonuses (docs/protocol.md §7): request parsing here, the rules in
// domain::order_service.
class orders_api {
public:
    explicit orders_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void create_order(const auth::principal& who, const request& req, respond_fn respond);
    void list_orders(const auth::principal& who, std::string_view query, respond_fn respond);
    void get_order(const auth::principal& who, std::int64_t id, respond_fn respond);
    void change_status(const auth::principal& who, std::int64_t id, const request& req,
                       respond_fn respond);
    void bonuses(const auth::principal& who, respond_fn respond);
    // The 201 for a new order (and a nudge to the outbox).
    response created_response(const domain::order& created);

    const api_context& ctx_;
    rate_window orders_;  // orders per customer
};

}  // namespace ordercast::api
