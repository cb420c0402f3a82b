#pragma once

#include <cstdint>

namespace ordercast::wire {

// Close codes the server sends (docs/protocol.md §2, §5).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;
inline constexpr std::uint16_t abnormal = 1006;
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t try_again_later = 1013;
inline constexpr std::uint16_t unauthorized = 4001;
inline constexpr std::uint16_t token_expired = 4002;
}  // namespace close_code

// Whether a peer may send `code` in a close frame (RFC 6455 §7.4).
inline bool valid_peer_close_code(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

}  // namespace ordercast::wire
