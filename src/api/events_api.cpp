// Publishing from other backends (docs/protocol.md §6): validated, logged in a transaction of its
// own, then sent to the rooms' sockets.
#include <boost/json.hpp>

#include "api/db_call.hpp"
#include "api/events_api.hpp"
#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "util/decimal_id.hpp"
#include "util/json_text.hpp"

namespace ordercast::api {
namespace json = boost::json;

events_api::events_api(const api_context& ctx) : ctx_(ctx) {}

void events_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    routes.add(http::verb::post, "/api/events", token,
               [this](const call& c, respond_fn r) { publish_event(c.who, c.req, std::move(r)); });
}

namespace {
constexpr std::size_t max_rooms_per_publish = 1000;
}  // namespace

void events_api::publish_event(const auth::principal& who, const request& req, respond_fn respond) {
    auto role = who.who;
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
    domain::logged_event e;
    for (const auto& room : rooms->as_array()) {
        if (!room.is_string() || !realtime::parse_room(std::string_view(room.as_string()))) {
            return respond(
                error_response(http::status::bad_request, "bad-room",
                               "every room must be admin-orders, city-{id}-orders or user-{id}"));
        }
        e.rooms.emplace_back(room.as_string());
    }
    const auto* type = obj.if_contains("type");
    if (!type || !type->is_string() ||
        !realtime::valid_event_type(std::string_view(type->as_string()))) {
        return respond(error_response(http::status::bad_request, "bad-type",
                                      "'type' must match ^[a-z0-9-]{1,64}$"));
    }
    if (realtime::reserved_event_type(std::string_view(type->as_string()))) {
        // A forged `connected` or `resync` would make clients reset their position.
        return respond(error_response(
            http::status::bad_request, "reserved-type",
            "'" + std::string(type->as_string()) +
                "' is a reply the server sends to one socket; publish events of other types"));
    }
    const auto* data = obj.if_contains("data");
    if (!data || !data->is_object()) {
        return respond(error_response(http::status::bad_request, "bad-request",
                                      "'data' must be a JSON object"));
    }
    e.type = type->as_string();
    e.data = util::to_json_text(*data);
    // The largest id (2^53-1) has 16 digits: the size checked is the largest it can be sent as.
    if (realtime::logged_event_message(util::max_id, e.type, e.data).size() >
        realtime::max_event_bytes) {
        return respond(error_response(http::status::payload_too_large, "event-too-large",
                                      "an event is at most 64 KiB of JSON"));
    }
    ctx_.metrics.count_publish();
    // Logged in its own transaction before the 202: a client that resumes gets it even when
    // this instance dies right after answering.
    ctx_.appender.append(std::move(e), [this, respond](domain::logged_event logged,
                                                       eventlog::appender::failure failed) {
        using failure = eventlog::appender::failure;
        if (failed == failure::busy) return respond(database_busy());
        if (failed == failure::unavailable) {
            return respond(error_response(http::status::service_unavailable, "database-unavailable",
                                          "the database cannot be reached; try again"));
        }
        ctx_.sink.announce(logged, [respond](std::size_t recipients) {
            respond(
                json_response(http::status::accepted, json::object{{"recipients", recipients}}));
        });
    });
}

}  // namespace ordercast::api
