#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/principal.hpp"

namespace ordercast::realtime {

// What a client may send (docs/protocol.md §3.2).
struct client_message {
    enum class kind : std::uint8_t { ping, join_room, leave_room } type;
    std::string room;  // for join/leave
};

// A refused client message; becomes an `error` reply, the socket stays usable.
struct protocol_error {
    std::string code;  // bad-json, unknown-type, bad-request, forbidden, bad-room
    std::string message;
    std::optional<std::string> request_type;
};

std::variant<client_message, protocol_error> parse_client_message(std::string_view text);

// Server messages, serialized as `{"type":...,"data":...}`.
// `connected`: `lastEventId` is where this socket's stream starts, `epoch` names the log
// those ids belong to; `recovered` only when the client asked to resume (docs/protocol.md §10).
std::string connected_message(const auth::principal& who, std::int64_t last_event_id,
                              std::string_view epoch, std::optional<bool> recovered = std::nullopt);
std::string resync_message(std::string_view reason, std::int64_t last_event_id);
std::string pong_message();
std::string room_reply(std::string_view type, std::string_view room);
std::string error_message(const protocol_error& e);
std::string event_message(std::string_view type, const boost::json::value& data);
// A logged event as sockets receive it: `{"type":...,"id":N,"data":...}`; `data_json` is
// JSON text and `type` a valid event type.
std::string logged_event_message(std::int64_t id, std::string_view type,
                                 std::string_view data_json);

// `^[a-z0-9-]{1,64}$`: what an event type may be.
bool valid_event_type(std::string_view type);
// The replies the server sends to one socket (docs/protocol.md §3.1): never published.
bool reserved_event_type(std::string_view type);

}  // namespace ordercast::realtime
