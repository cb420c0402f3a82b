#pragma once

#include <string>
#include <string_view>

namespace ordercast::util {

// Lower-case hex of raw bytes (digests, HMACs).
inline std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0xF];
    }
    return out;
}

}  // namespace ordercast::util
