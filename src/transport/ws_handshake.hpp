#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordercast::transport {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key, or nothing when the key is not
// the base64 of 16 bytes (RFC 6455 §4.2.1).
std::optional<std::string> websocket_accept(std::string_view client_key);

std::string switching_protocols(std::string_view accept);

// A query parameter of a request target (`token`, `since`), decoded like every query
// string here; nothing when it is absent or the query string is malformed.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

// Whether `origin` may open a socket: any when the list is empty, else an exact match.
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace ordercast::transport
