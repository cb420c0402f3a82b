#pragma once

#include <cstddef>
#include <string_view>

namespace ordercast::util {

// The well-formed UTF-8 sequence at the start of a non-empty `s` (RFC 3629: no overlongs,
// no surrogates, nothing past U+10FFFF).
struct code_point {
    char32_t value = 0;
    std::size_t length = 0;  // 0: `s` does not start with a well-formed sequence
};

inline code_point next_code_point(std::string_view s) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c = b(0);
    if (c < 0x80) return {c, 1};
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || n > s.size()) return {};
    char32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0) != 0x80) return {};
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, n};
}

}  // namespace ordercast::util
