#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ordercast::testing {

// A client-to-server WebSocket frame with first byte `b0` (FIN, RSV, opcode), the shortest
// length encoding, and masked with a fixed non-zero key unless `mask` is false.
inline std::string client_frame(std::uint8_t b0, std::string_view payload, bool mask = true) {
    std::string f;
    f += static_cast<char>(b0);
    const unsigned char m = mask ? 0x80 : 0;
    const std::size_t n = payload.size();
    if (n < 126) {
        f += static_cast<char>(m | n);
    } else if (n <= 0xFFFF) {
        f += static_cast<char>(m | 126);
        f += static_cast<char>(n >> 8);
        f += static_cast<char>(n & 0xFF);
    } else {
        f += static_cast<char>(m | 127);
        for (int i = 7; i >= 0; --i)
            f += static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xFF);
    }
    const char key[4] = {0x37, static_cast<char>(0xfa), 0x21, 0x3d};
    if (mask) f.append(key, 4);
    for (std::size_t i = 0; i < n; ++i)
        f += static_cast<char>(payload[i] ^ (mask ? key[i & 3] : 0));
    return f;
}

}  // namespace ordercast::testing
