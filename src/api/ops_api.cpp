// What operators and orchestrators ask: liveness, readiness, metrics.
#include <boost/json.hpp>

#include "api/ops_api.hpp"

namespace ordercast::api {
namespace json = boost::json;

ops_api::ops_api(const api_context& ctx) : ctx_(ctx) {}

void ops_api::add_routes(route_table& routes) {
    constexpr auto open = route_table::access::open;
    routes.add(http::verb::get, "/healthz", open, [](const call&, respond_fn r) {
        r(json_response(http::status::ok, boost::json::object{{"status", "ok"}}));
    });
    routes.add(http::verb::get, "/readyz", open,
               [this](const call&, respond_fn r) { ready(std::move(r)); });
    routes.add(http::verb::get, "/metrics", open,
               [this](const call&, respond_fn r) { metrics(std::move(r)); });
}

void ops_api::ready(respond_fn respond) {
    // Both states are kept up to date in the background (a probe of the database on a
    // connection of its own, the broker's connections): readiness never waits in a queue.
    const bool db_ok = ctx_.db.healthy();
    const bool broker_ok = ctx_.events.healthy();
    json::object checks{{"database", db_ok ? "ok" : "down"}, {"broker", broker_ok ? "ok" : "down"}};
    json::object body{{"status", db_ok && broker_ok ? "ready" : "degraded"}, {"checks", checks}};
    respond(json_response(db_ok && broker_ok ? http::status::ok : http::status::service_unavailable,
                          body));
}

void ops_api::metrics(respond_fn respond) {
    ctx_.local.count_rooms([this, respond = std::move(respond)](std::size_t rooms) {
        response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = ctx_.metrics.render(rooms);
        res.prepare_payload();
        respond(std::move(res));
    });
}

}  // namespace ordercast::api
