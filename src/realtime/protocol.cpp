#include "realtime/protocol.hpp"

#include <boost/json.hpp>

#include "realtime/resume.hpp"
#include "util/json_text.hpp"

namespace ordercast::realtime {
namespace json = boost::json;

namespace {

protocol_error bad_request(std::string message, std::string type) {
    return {"bad-request", std::move(message), std::move(type)};
}

}  // namespace

std::variant<client_message, protocol_error> parse_client_message(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return protocol_error{"bad-json", "message is not valid JSON", std::nullopt};
    if (!v.is_object())
        return protocol_error{"bad-request", "message must be a JSON object", std::nullopt};
    const auto& obj = v.as_object();
    const auto* type = obj.if_contains("type");
    if (!type || !type->is_string()) {
        return protocol_error{"bad-request", "field 'type' must be a string", std::nullopt};
    }
    std::string type_name(type->as_string());
    if (type_name == "ping") return client_message{client_message::kind::ping, {}};

    client_message::kind kind;
    if (type_name == "join-room") {
        kind = client_message::kind::join_room;
    } else if (type_name == "leave-room") {
        kind = client_message::kind::leave_room;
    } else {
        return protocol_error{"unknown-type", "unknown message type", std::move(type_name)};
    }
    const auto* data = obj.if_contains("data");
    if (!data || !data->is_object())
        return bad_request("field 'data' must be an object", type_name);
    const auto* room = data->as_object().if_contains("roomId");
    if (!room || !room->is_string())
        return bad_request("field 'data.roomId' must be a string", type_name);
    return client_message{kind, std::string(room->as_string())};
}

std::string connected_message(const auth::principal& who, std::int64_t last_event_id,
                              std::string_view epoch, std::optional<bool> recovered) {
    json::object data;
    data["userId"] = who.user_id;
    data["role"] = to_string(who.who);
    data["lastEventId"] = last_event_id;
    data["epoch"] = epoch;
    if (recovered) data["recovered"] = *recovered;
    return event_message("connected", data);
}

std::string resync_message(std::string_view reason, std::int64_t last_event_id) {
    return event_message("resync",
                         json::object{{"reason", reason}, {"lastEventId", last_event_id}});
}

std::string pong_message() {
    return R"({"type":"pong"})";
}

std::string room_reply(std::string_view type, std::string_view room) {
    json::object data;
    data["roomId"] = room;
    return event_message(type, data);
}

std::string error_message(const protocol_error& e) {
    json::object data;
    data["code"] = e.code;
    data["message"] = e.message;
    if (e.request_type) {
        data["requestType"] = *e.request_type;
    } else {
        data["requestType"] = nullptr;
    }
    return event_message("error", data);
}

std::string event_message(std::string_view type, const json::value& data) {
    json::object msg;
    msg["type"] = type;
    msg["data"] = data;
    return util::to_json_text(msg);
}

std::string logged_event_message(std::int64_t id, std::string_view type,
                                 std::string_view data_json) {
    std::string msg;
    msg.reserve(type.size() + data_json.size() + 48);
    msg += R"({"type":")";
    msg += type;
    msg += R"(","id":)";
    msg += std::to_string(id);
    msg += R"(,"data":)";
    msg += data_json;
    msg += '}';
    return msg;
}

std::string_view resync_reason(resume_answer::outcome o) {
    switch (o) {
        case resume_answer::outcome::history_expired:
            return "history-expired";
        case resume_answer::outcome::too_many:
            return "too-many";
        case resume_answer::outcome::unknown_position:
            return "unknown-position";
        case resume_answer::outcome::replayed:
        case resume_answer::outcome::unavailable:
            break;
    }
    return {};
}

bool reserved_event_type(std::string_view type) {
    for (std::string_view reply :
         {"connected", "resync", "pong", "error", "room-joined", "room-left"})
        if (type == reply) return true;
    return false;
}

bool valid_event_type(std::string_view type) {
    if (type.empty() || type.size() > 64) return false;
    for (char c : type) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace ordercast::realtime
