#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "realtime/resume.hpp"

namespace ordercast::wire {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key, or nothing when the key is not
// the base64 of 16 bytes (RFC 6455 §4.2.1).
std::optional<std::string> websocket_accept(std::string_view client_key);

std::string switching_protocols(std::string_view accept);

// What a WebSocket handshake's query string says: its token and resume position (the first
// of each), decoded like every query string here, in one pass. A field with a broken escape
// keeps its raw text, so it is present and invalid rather than absent.
// An epoch without `since` means nothing and is dropped.
struct handshake_query {
    std::optional<std::string> token;
    std::optional<realtime::resume_position> since;
};
handshake_query parse_handshake_query(std::string_view target);

// Whether `origin` may open a socket: any when the list is empty, else an exact match.
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace ordercast::wire
