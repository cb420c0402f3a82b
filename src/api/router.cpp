#include "api/router.hpp"

#include <boost/json.hpp>

#include "api/db_call.hpp"
#include "domain/order_service.hpp"
#include "domain/user_ids.hpp"
#include "util/clock.hpp"

namespace ordercast::api {
namespace json = boost::json;

namespace {

response method_not_allowed(std::string_view allow) {
    auto res = error_response(http::status::method_not_allowed, "method-not-allowed",
                              "use " + std::string(allow) + " on this path");
    res.set(http::field::allow, allow);
    return res;
}

}  // namespace

router::router(api_context ctx) : ctx_(std::move(ctx)) {
    ops_.add_routes(routes_);
    events_.add_routes(routes_);
    auth_.add_routes(routes_);
    staff_.add_routes(routes_);
    orders_.add_routes(routes_);
    menu_.add_routes(routes_);
    catalog_.add_routes(routes_);
    sync_.add_routes(routes_);
    web_.add_routes(routes_);
    for (const auto& r : routes_.all()) {
        auto& t = timing_.emplace_back();
        t.method = std::string(http::to_string(r.method));
        t.route = r.text;
    }
    timing_.emplace_back().route = "unmatched";
    ctx_.metrics.add_section([this](std::string& out) { render_timing(out); });
}

respond_fn router::timed(std::size_t route, respond_fn respond) {
    return [this, route, started = util::steady_us(), respond = std::move(respond)](response res) {
        timing_[route].by_class[metrics::status_class(res.result_int())].observe_us(
            util::steady_us() - started);
        respond(std::move(res));
    };
}

void router::render_timing(std::string& out) const {
    metrics::write_histogram_header(out, metrics::catalog::http_duration);
    for (const auto& t : timing_) {
        for (std::size_t c = 0; c < t.by_class.size(); ++c) {
            const auto& h = t.by_class[c];
            if (h.count() == 0) continue;  // a route and class never answered: no series
            metrics::write_histogram_series(
                out, metrics::catalog::http_duration,
                (t.method.empty() ? "" : "method=\"" + t.method + "\",") + "route=\"" + t.route +
                    "\",code=\"" + std::string(metrics::status_classes[c]) + "\"",
                h);
        }
    }
}

std::variant<auth::principal, response> router::authenticate(const request& req) {
    auto header = req[http::field::authorization];
    auto token = wire::bearer_token(std::string_view(header.data(), header.size()));
    if (!token) {
        ctx_.metrics.count_auth_failure(auth::token_error::missing);
        return error_response(http::status::unauthorized, "unauthorized",
                              "Authorization: Bearer token required");
    }
    auto result = ctx_.verifier.verify(*token, util::unix_seconds());
    if (auto* error = std::get_if<auth::token_error>(&result)) {
        ctx_.metrics.count_auth_failure(*error);
        bool expired = *error == auth::token_error::expired;
        return error_response(http::status::unauthorized,
                              expired ? "token-expired" : "unauthorized",
                              expired ? "token expired" : "invalid token");
    }
    return std::get<auth::principal>(result);
}

void router::handle(const request& req, respond_fn respond, std::string_view client) {
    const auto target = std::string_view(req.target().data(), req.target().size());
    call c{req, {}, {}, {}, {}, client};
    std::string allowed;  // methods of the routes whose path matched, for a 405
    const auto* r = routes_.find(req.method(), target, c, allowed);
    respond = timed(r ? static_cast<std::size_t>(r - routes_.all().data()) : timing_.size() - 1,
                    std::move(respond));
    if (!r) {
        if (!allowed.empty()) return respond(method_not_allowed(allowed));
        return respond(error_response(http::status::not_found, "not-found",
                                      "no route for " + std::string(req.method_string()) + " " +
                                          std::string(target.substr(0, target.find('?')))));
    }
    if (r->needs == route_table::access::token) {
        auto who = authenticate(req);
        if (auto* denied = std::get_if<response>(&who)) return respond(std::move(*denied));
        c.who = std::get<auth::principal>(std::move(who));
        // A user of ordercast's own range must still exist: a removed account's tokens
        // stop working on every route, not just those that read the database anyway.
        if (domain::is_own_user_id(c.who.user_id))
            return handle_known(req, *r, c.who, client, std::move(respond));
    }
    r->handler(c, std::move(respond));
}

void router::handle_known(const request& req, const route_table::route& r, auth::principal who,
                          std::string_view client, respond_fn respond) {
    // The request outlives this call (its handler runs after a database round trip).
    auto owned = std::make_shared<const request>(req);
    storage::run_on_db(
        ctx_.db,
        [owned, &r, who, client = std::string(client), respond](domain::repository& repo) {
            // The domain's rule, before any handler: also for routes that never reach a
            // service (cities, events, sync).
            domain::require_known(repo, who);
            call c{*owned, {}, {}, {}, who, client};
            route_table::capture(
                r, std::string_view(owned->target().data(), owned->target().size()), c);
            r.handler(c, respond);
        },
        [respond](storage::db_outcome<std::monostate> out) {
            if (!out.ok()) respond(failure_response(out));
        });
}

}  // namespace ordercast::api
