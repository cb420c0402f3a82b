#pragma once

#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api/api_context.hpp"
#include "api/auth_api.hpp"
#include "api/catalog_api.hpp"
#include "api/events_api.hpp"
#include "api/http_types.hpp"
#include "api/menu_api.hpp"
#include "api/ops_api.hpp"
#include "api/orders_api.hpp"
#include "api/route_table.hpp"
#include "api/staff_api.hpp"
#include "api/sync_api.hpp"
#include "api/web_api.hpp"
#include "util/histogram.hpp"

namespace ordercast::api {

// Maps each HTTP request to the handler a route group registered (docs/protocol.md §6–7):
// checks the token of routes that need one, and that a token of ordercast's own id range
// still names a user, before the handler runs. Every error is JSON.
class router final : public wire::http_handler {
public:
    explicit router(api_context ctx);

    // `client` is the address the request came from (wire::client_address).
    void handle(const request& req, respond_fn respond, std::string_view client) override;

private:
    // The caller's principal, or the 401 to send.
    std::variant<auth::principal, response> authenticate(const request& req);
    // Runs `r`'s handler once the database confirms that `who` (of ordercast's own id range)
    // still names a user; 401 unknown-user otherwise.
    void handle_known(const request& req, const route_table::route& r, auth::principal who,
                      std::string_view client, respond_fn respond);

    // How long each route took to answer, by status class
    // (ordercast_http_request_duration_seconds); one more for requests no route matched.
    struct route_timing {
        std::string method;  // none for "unmatched"
        std::string route;
        std::array<util::histogram, metrics::status_classes.size()> by_class{
            util::histogram(util::seconds_buckets), util::histogram(util::seconds_buckets),
            util::histogram(util::seconds_buckets), util::histogram(util::seconds_buckets),
            util::histogram(util::seconds_buckets), util::histogram(util::seconds_buckets)};
    };
    respond_fn timed(std::size_t route, respond_fn respond);
    void render_timing(std::string& out) const;

    api_context ctx_;
    route_table routes_;
    std::deque<route_timing> timing_;
    ops_api ops_{ctx_};
    auth_api auth_{ctx_};
    events_api events_{ctx_};
    staff_api staff_{ctx_};
    orders_api orders_{ctx_};
    menu_api menu_{ctx_};
    catalog_api catalog_{ctx_};
    sync_api sync_{ctx_};
    web_api web_;
};

}  // namespace ordercast::api
