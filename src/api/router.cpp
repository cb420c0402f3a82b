#include "api/router.hpp"

#include <boost/json.hpp>

#include "api/db_call.hpp"
#include "domain/order_service.hpp"
#include "domain/user_ids.hpp"
#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "util/clock.hpp"
#include "util/decimal_id.hpp"
#include "util/json_text.hpp"

namespace ordercast::api {
namespace json = boost::json;

namespace {

std::string_view path_of(std::string_view target) {
    auto q = target.find('?');
    return q == std::string_view::npos ? target : target.substr(0, q);
}

response method_not_allowed(std::string_view allow) {
    auto res = error_response(http::status::method_not_allowed, "method-not-allowed",
                              "use " + std::string(allow) + " on this path");
    res.set(http::field::allow, allow);
    return res;
}

constexpr std::int64_t minute_ms = 60'000;
// Password checks one login or one address may have under way at once.
constexpr std::uint32_t max_checks_per_sender = 2;

}  // namespace

router::router(api_context ctx)
    : ctx_(std::move(ctx)),
      orders_(ctx_.orders_per_minute, minute_ms),
      login_pairs_(ctx_.login_failures_per_min, minute_ms),
      login_clients_(ctx_.login_failures_per_min, minute_ms),
      checking_(max_checks_per_sender) {}

response too_many_requests(std::string_view code, std::string_view message,
                           std::int64_t retry_after_s) {
    auto res = error_response(http::status::too_many_requests, code, message);
    res.set(http::field::retry_after, std::to_string(retry_after_s));
    return res;
}

std::string client_address(const request& req, std::string_view peer, bool peer_is_loopback) {
    if (!peer_is_loopback) return std::string(peer);
    const auto forwarded = req["X-Forwarded-For"];
    std::string_view list(forwarded.data(), forwarded.size());
    // The proxy appends the address it saw last; earlier entries are the client's claims.
    auto last = list.substr(list.rfind(',') == std::string_view::npos ? 0 : list.rfind(',') + 1);
    while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
    while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
    if (last.empty() || last.size() > 64) return std::string(peer);
    return std::string(last);
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i])
            return std::nullopt;
    }
    auto token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    return token;
}

std::variant<auth::principal, response> router::authenticate(const request& req) {
    auto header = req[http::field::authorization];
    auto token = bearer_token(std::string_view(header.data(), header.size()));
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

namespace {

// `/api/orders/42/status` -> {"api","orders","42","status"}. Only the canonical spelling
// has segments: `//api//orders/` or `/api/orders/` give none and so name no route (one path,
// one meaning, whatever a proxy in front normalises).
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.empty() || path.front() != '/') return {};
    while (!path.empty()) {
        path.remove_prefix(1);  // the '/'
        auto slash = path.find('/');
        auto part = path.substr(0, slash);
        if (part.empty()) return {};
        parts.push_back(part);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return parts;
}

}  // namespace

namespace {

// One route: a method and a path pattern whose segments are literal, or "{id}" (a
// canonical positive id) or "{word}" (any segment).
struct route_entry {
    http::verb method;
    std::vector<std::string_view> pattern;
    bool authenticated;  // the router checks the token before the handler runs
    void (router::*handler)(const router::call&, respond_fn);
};

// Matches `parts` against `pattern`, collecting the ids and words it captures.
bool matches(const std::vector<std::string_view>& pattern,
             const std::vector<std::string_view>& parts, router::call& c) {
    if (pattern.size() != parts.size()) return false;
    c.ids.clear();
    c.words.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (pattern[i] == "{id}") {
            auto id = util::parse_decimal_id(parts[i]);
            if (!id) return false;
            c.ids.push_back(*id);
        } else if (pattern[i] == "{word}") {
            c.words.push_back(parts[i]);
        } else if (pattern[i] != parts[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

void router::handle(const request& req, respond_fn respond, std::string_view client) {
    using v = http::verb;
    static const std::vector<route_entry> routes = {
        {v::get, {"healthz"}, false, &router::route_health},
        {v::get, {"readyz"}, false, &router::route_ready},
        {v::get, {"metrics"}, false, &router::route_metrics},
        {v::get, {"client.js"}, false, &router::route_asset},
        {v::get, {"openapi.json"}, false, &router::route_asset},
        {v::post, {"api", "events"}, true, &router::route_publish},
        {v::post, {"api", "auth", "telegram"}, false, &router::route_telegram_login},
        {v::post, {"api", "auth", "login"}, false, &router::route_staff_login},
        {v::get, {"api", "me"}, true, &router::route_me},
        {v::get, {"api", "staff"}, true, &router::route_list_staff},
        {v::post, {"api", "staff"}, true, &router::route_add_staff},
        {v::delete_, {"api", "staff", "{id}"}, true, &router::route_remove_staff},
        {v::post, {"api", "orders"}, true, &router::route_create_order},
        {v::get, {"api", "orders"}, true, &router::route_list_orders},
        {v::get, {"api", "orders", "{id}"}, true, &router::route_get_order},
        {v::patch, {"api", "orders", "{id}", "status"}, true, &router::route_change_status},
        {v::get, {"api", "bonuses"}, true, &router::route_bonuses},
        {v::get, {"api", "menu"}, true, &router::route_list_menu},
        {v::post, {"api", "menu"}, true, &router::route_add_menu_item},
        {v::patch, {"api", "menu", "{id}"}, true, &router::route_change_menu_item},
        {v::get, {"api", "cities"}, true, &router::route_list_cities},
        {v::get, {"api", "presence"}, true, &router::route_presence},
        {v::post, {"api", "cities"}, true, &router::route_add_city},
        {v::put, {"api", "managers", "{id}", "cities"}, true, &router::route_manager_cities},
        {v::get, {"api", "sync", "failed"}, true, &router::route_failed_syncs},
        {v::post, {"api", "sync", "{word}", "{id}", "retry"}, true, &router::route_retry_sync},
    };

    const auto target = std::string_view(req.target().data(), req.target().size());
    const auto path = path_of(target);
    call c{req, path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view(),
           {},  {},
           {},  client};
    const auto parts = segments(path);
    std::string allowed;  // methods of the routes whose path matched, for a 405
    for (const auto& r : routes) {
        if (parts.empty() || !matches(r.pattern, parts, c)) continue;
        // HEAD is GET without the body (RFC 9110 §9.3.2); the session drops the body.
        const auto method = req.method() == http::verb::head ? http::verb::get : req.method();
        if (r.method != method) {
            if (!allowed.empty()) allowed += ", ";
            allowed += std::string(http::to_string(r.method));
            continue;
        }
        if (r.authenticated) {
            auto who = authenticate(req);
            if (auto* denied = std::get_if<response>(&who)) return respond(std::move(*denied));
            c.who = std::get<auth::principal>(std::move(who));
            // A user of ordercast's own range must still exist: a removed account's tokens
            // stop working on every route, not just those that read the database anyway.
            if (domain::is_own_user_id(c.who.user_id))
                return handle_known(req, r.handler, r.pattern, c.who, client, std::move(respond));
        }
        return (this->*r.handler)(c, std::move(respond));
    }
    if (!allowed.empty()) return respond(method_not_allowed(allowed));
    respond(error_response(
        http::status::not_found, "not-found",
        "no route for " + std::string(req.method_string()) + " " + std::string(path)));
}

void router::handle_known(const request& req, handler_fn handler,
                          const std::vector<std::string_view>& pattern, auth::principal who,
                          std::string_view client, respond_fn respond) {
    // The request outlives this call (its handler runs after a database round trip).
    auto owned = std::make_shared<const request>(req);
    storage::run_on_db(
        ctx_.db,
        [this, owned, handler, &pattern, who, client = std::string(client),
         respond](domain::repository& repo) {
            // The domain's rule, before any handler: also for routes that never reach a
            // service (cities, events, sync).
            domain::require_known(repo, who);
            const auto target = std::string_view(owned->target().data(), owned->target().size());
            const auto path = path_of(target);
            call c{
                *owned,
                path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view(),
                {},
                {},
                who,
                client};
            matches(pattern, segments(path), c);
            (this->*handler)(c, respond);
        },
        [respond](storage::db_outcome<std::monostate> out) {
            if (!out.ok()) respond(failure_response(out));
        });
}

void router::route_publish(const call& c, respond_fn respond) {
    publish_event(c.who, c.req, std::move(respond));
}
void router::route_telegram_login(const call& c, respond_fn respond) {
    telegram_login(c.req, std::move(respond));
}
void router::route_list_menu(const call& c, respond_fn respond) {
    list_menu(c.who, c.query, std::move(respond));
}
void router::route_add_menu_item(const call& c, respond_fn respond) {
    add_menu_item(c.who, c.req, std::move(respond));
}
void router::route_change_menu_item(const call& c, respond_fn respond) {
    change_menu_item(c.who, c.ids[0], c.req, std::move(respond));
}
void router::route_staff_login(const call& c, respond_fn respond) {
    staff_login(c.req, c.client, std::move(respond));
}
void router::route_create_order(const call& c, respond_fn respond) {
    create_order(c.who, c.req, std::move(respond));
}
void router::route_list_orders(const call& c, respond_fn respond) {
    list_orders(c.who, c.query, std::move(respond));
}
void router::route_get_order(const call& c, respond_fn respond) {
    get_order(c.who, c.ids[0], std::move(respond));
}
void router::route_change_status(const call& c, respond_fn respond) {
    change_status(c.who, c.ids[0], c.req, std::move(respond));
}
void router::route_bonuses(const call& c, respond_fn respond) {
    bonuses(c.who, std::move(respond));
}
void router::route_list_cities(const call&, respond_fn respond) {
    list_cities(std::move(respond));
}
void router::route_add_city(const call& c, respond_fn respond) {
    add_city(c.who, c.req, std::move(respond));
}
void router::route_manager_cities(const call& c, respond_fn respond) {
    set_manager_cities(c.who, c.ids[0], c.req, std::move(respond));
}
void router::route_failed_syncs(const call& c, respond_fn respond) {
    failed_syncs(c.who, std::move(respond));
}
void router::route_retry_sync(const call& c, respond_fn respond) {
    retry_sync(c.who, c.words[0], c.ids[0], std::move(respond));
}

}  // namespace ordercast::api
