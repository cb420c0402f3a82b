// What instances say to each other over Redis: events, managers' new cities, presence
// reports, each "<instance>\n<kind>\n<body>"; anything else is refused on decoding.
#include <boost/json.hpp>
#include <charconv>

#include "broker/redis_broker.hpp"
#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::broker {
namespace {

// "1,2,3" -> ids; nothing when any is not a canonical id.
std::optional<std::vector<std::int64_t>> parse_id_list(std::string_view text) {
    std::vector<std::int64_t> ids;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto id = util::parse_decimal_id(text.substr(0, comma));
        if (!id || ids.size() >= realtime::max_rooms_per_socket) return std::nullopt;
        ids.push_back(*id);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        if (comma != std::string_view::npos && text.empty()) return std::nullopt;
    }
    return ids;
}

// What a server of ours would have published: a JSON object with a valid `type` and its
// log `id`, within the event size; returns the id. Parsing also proves it is UTF-8.
std::optional<std::int64_t> payload_id(std::string_view payload) {
    if (payload.empty() || payload.size() > realtime::max_event_bytes) return std::nullopt;
    boost::system::error_code ec;
    auto v = boost::json::parse(payload, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto* type = v.as_object().if_contains("type");
    const auto* id = v.as_object().if_contains("id");
    if (!type || !type->is_string() ||
        !realtime::valid_event_type(std::string_view(type->as_string())) || !id)
        return std::nullopt;
    return util::json_id(*id);
}

constexpr std::string_view control_manager_cities = "!manager-cities";
constexpr std::string_view control_presence = "!presence";

// "<instance>\n<control>\n<body>".
std::string control_message(std::string_view instance, std::string_view control,
                            std::string_view body) {
    std::string msg(instance);
    msg += '\n';
    msg += control;
    msg += '\n';
    msg += body;
    return msg;
}
constexpr std::size_t max_rooms_per_event = 1000;

}  // namespace

std::string redis_broker::encode(std::string_view instance, const realtime::event& e) {
    std::string msg(instance);
    msg += '\n';
    for (std::size_t i = 0; i < e.rooms.size(); ++i) {
        if (i) msg += ',';
        msg += e.rooms[i];
    }
    msg += '\n';
    msg += e.payload;
    return msg;
}

std::string redis_broker::encode(std::string_view instance, const manager_cities_change& c) {
    std::string msg(instance);
    msg += '\n';
    msg += control_manager_cities;
    msg += '\n';
    msg += std::to_string(c.user_id);
    msg += ':';
    for (std::size_t i = 0; i < c.cities.size(); ++i) {
        if (i) msg += ',';
        msg += std::to_string(c.cities[i]);
    }
    return msg;
}

std::string redis_broker::encode(std::string_view instance, const presence_report& r) {
    return encode_presence(instance, realtime::presence::encode(r.people));
}

std::string redis_broker::encode_presence(std::string_view instance, std::string_view people) {
    return control_message(instance, control_presence, people);
}

std::optional<redis_message> redis_broker::decode(std::string_view message) {
    auto first = message.find('\n');
    if (first == std::string_view::npos || first == 0 || first > 64) return std::nullopt;
    auto second = message.find('\n', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    redis_message out;
    out.instance = std::string(message.substr(0, first));
    std::string_view head = message.substr(first + 1, second - first - 1);
    std::string_view rest = message.substr(second + 1);
    if (head == control_presence) {
        auto people = realtime::presence::decode(rest);
        if (!people) return std::nullopt;
        out.body = presence_report{std::move(*people)};
        return out;
    }
    if (head == control_manager_cities) {
        auto colon = rest.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        auto user = util::parse_decimal_id(rest.substr(0, colon));
        auto cities = parse_id_list(rest.substr(colon + 1));
        if (!user || !cities) return std::nullopt;
        out.body = manager_cities_change{*user, std::move(*cities)};
        return out;
    }
    realtime::event e;
    while (!head.empty()) {
        auto comma = head.find(',');
        auto room = head.substr(0, comma);
        if (!realtime::parse_room(room) || e.rooms.size() >= max_rooms_per_event)
            return std::nullopt;
        e.rooms.emplace_back(room);
        head = comma == std::string_view::npos ? std::string_view() : head.substr(comma + 1);
        if (comma != std::string_view::npos && head.empty()) return std::nullopt;
    }
    if (e.rooms.empty()) return std::nullopt;
    auto id = payload_id(rest);
    if (!id) return std::nullopt;
    e.id = *id;
    e.payload = std::string(rest);
    out.body = std::move(e);
    return out;
}

}  // namespace ordercast::broker
