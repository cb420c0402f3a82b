#include "api/router.hpp"

#include <boost/json.hpp>

#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "util/clock.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::api {
namespace json = boost::json;

namespace {

constexpr std::size_t max_rooms_per_publish = 1000;

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

}  // namespace

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

// `/api/orders/42/status` -> {"api","orders","42","status"}.
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return parts;
}

}  // namespace

void router::handle(const request& req, respond_fn respond) {
    const auto target = std::string_view(req.target().data(), req.target().size());
    const auto path = path_of(target);
    const auto query =
        path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();
    const auto method = req.method();
    const auto parts = segments(path);
    auto only = [&](http::verb allowed, const char* name) {
        if (method == allowed) return true;
        respond(method_not_allowed(name));
        return false;
    };

    if (path == "/healthz") {
        if (!only(http::verb::get, "GET")) return;
        return respond(json_response(http::status::ok, json::object{{"status", "ok"}}));
    }
    if (path == "/readyz") {
        if (only(http::verb::get, "GET")) ready(std::move(respond));
        return;
    }
    if (path == "/metrics") {
        if (only(http::verb::get, "GET")) metrics(std::move(respond));
        return;
    }
    if (path == "/api/events") {
        if (only(http::verb::post, "POST")) publish_event(req, std::move(respond));
        return;
    }
    if (path == "/api/auth/telegram") {
        if (only(http::verb::post, "POST")) telegram_login(req, std::move(respond));
        return;
    }
    if (path == "/api/auth/login") {
        if (only(http::verb::post, "POST")) staff_login(req, std::move(respond));
        return;
    }

    const bool api_path = !parts.empty() && parts[0] == "api";
    const bool orders = api_path && parts.size() >= 2 && parts[1] == "orders";
    const bool known =
        api_path && parts.size() >= 2 &&
        ((orders && parts.size() <= 4) || (parts[1] == "bonuses" && parts.size() == 2) ||
         (parts[1] == "cities" && parts.size() == 2) ||
         (parts[1] == "managers" && parts.size() == 4 && parts[3] == "cities") ||
         (parts[1] == "sync" && parts.size() == 3 && parts[2] == "failed") ||
         (parts[1] == "sync" && parts.size() == 5 && parts[4] == "retry"));
    if (!known) {
        return respond(error_response(
            http::status::not_found, "not-found",
            "no route for " + std::string(req.method_string()) + " " + std::string(path)));
    }
    auto who_or_denied = authenticate(req);
    if (auto* denied = std::get_if<response>(&who_or_denied)) return respond(std::move(*denied));
    const auto& who = std::get<auth::principal>(who_or_denied);

    if (orders && parts.size() == 2) {
        if (method == http::verb::post) return create_order(who, req, std::move(respond));
        if (method == http::verb::get) return list_orders(who, query, std::move(respond));
        return respond(method_not_allowed("GET, POST"));
    }
    if (orders) {
        auto id = util::parse_decimal_id(parts[2]);
        if (!id || (parts.size() == 4 && parts[3] != "status")) {
            return respond(error_response(http::status::not_found, "not-found", "no such order"));
        }
        if (parts.size() == 3) {
            if (only(http::verb::get, "GET")) get_order(who, *id, std::move(respond));
            return;
        }
        if (only(http::verb::patch, "PATCH")) change_status(who, *id, req, std::move(respond));
        return;
    }
    if (parts[1] == "bonuses") {
        if (only(http::verb::get, "GET")) bonuses(who, std::move(respond));
        return;
    }
    if (parts[1] == "cities") {
        if (method == http::verb::get) return list_cities(std::move(respond));
        if (method == http::verb::post) return add_city(who, req, std::move(respond));
        return respond(method_not_allowed("GET, POST"));
    }
    if (parts[1] == "sync") {
        if (parts.size() == 3) {
            if (only(http::verb::get, "GET")) failed_syncs(who, std::move(respond));
            return;
        }
        auto entity_id = util::parse_decimal_id(parts[3]);
        if (!entity_id)
            return respond(error_response(http::status::not_found, "not-found", "no such entity"));
        if (only(http::verb::post, "POST"))
            retry_sync(who, parts[2], *entity_id, std::move(respond));
        return;
    }
    auto user_id = util::parse_decimal_id(parts[2]);
    if (!user_id)
        return respond(error_response(http::status::not_found, "not-found", "no such user"));
    if (only(http::verb::put, "PUT")) set_manager_cities(who, *user_id, req, std::move(respond));
}

void router::ready(respond_fn respond) {
    // The database answers a real query; the broker reports its connection state.
    ctx_.db.post([this, respond = std::move(respond)](domain::repository& repo) {
        const bool db_ok = repo.healthy();
        const bool broker_ok = ctx_.events.healthy();
        json::object checks{{"database", db_ok ? "ok" : "down"},
                            {"broker", broker_ok ? "ok" : "down"}};
        json::object body{{"status", db_ok && broker_ok ? "ready" : "degraded"},
                          {"checks", checks}};
        respond(json_response(
            db_ok && broker_ok ? http::status::ok : http::status::service_unavailable, body));
    });
}

void router::metrics(respond_fn respond) {
    ctx_.local.count_rooms([this, respond = std::move(respond)](std::size_t rooms) {
        response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = ctx_.metrics.render(rooms);
        res.prepare_payload();
        respond(std::move(res));
    });
}

void router::publish_event(const request& req, respond_fn respond) {
    auto who = authenticate(req);
    if (auto* denied = std::get_if<response>(&who)) return respond(std::move(*denied));
    auto role = std::get<auth::principal>(who).who;
    if (role != auth::role::service && role != auth::role::admin && role != auth::role::ceo) {
        // Only backends and staff publish arbitrary events.
        return respond(error_response(http::status::forbidden, "forbidden",
                                      "publishing needs a service, admin or ceo token"));
    }

    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    if (ec)
        return respond(
            error_response(http::status::bad_request, "bad-json", "body is not valid JSON"));
    if (!body.is_object())
        return respond(
            error_response(http::status::bad_request, "bad-request", "body must be a JSON object"));
    const auto& obj = body.as_object();

    const auto* rooms = obj.if_contains("rooms");
    if (!rooms || !rooms->is_array() || rooms->as_array().empty() ||
        rooms->as_array().size() > max_rooms_per_publish) {
        return respond(error_response(http::status::bad_request, "bad-request",
                                      "'rooms' must be an array of 1 to 1000 room ids"));
    }
    auto e = std::make_shared<realtime::event>();
    for (const auto& room : rooms->as_array()) {
        if (!room.is_string() || !realtime::parse_room(std::string_view(room.as_string()))) {
            return respond(
                error_response(http::status::bad_request, "bad-room",
                               "every room must be admin-orders, city-{id}-orders or user-{id}"));
        }
        e->rooms.emplace_back(room.as_string());
    }
    const auto* type = obj.if_contains("type");
    if (!type || !type->is_string() ||
        !realtime::valid_event_type(std::string_view(type->as_string()))) {
        return respond(error_response(http::status::bad_request, "bad-type",
                                      "'type' must match ^[a-z0-9-]{1,64}$"));
    }
    const auto* data = obj.if_contains("data");
    if (!data || !data->is_object()) {
        return respond(error_response(http::status::bad_request, "bad-request",
                                      "'data' must be a JSON object"));
    }
    e->payload = realtime::event_message(std::string_view(type->as_string()), *data);
    ctx_.metrics.count_publish();
    ctx_.events.publish(std::move(e), [respond = std::move(respond)](std::size_t recipients) {
        respond(json_response(http::status::accepted, json::object{{"recipients", recipients}}));
    });
}

}  // namespace ordercast::api
