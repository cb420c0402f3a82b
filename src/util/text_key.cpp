#include "util/text_key.hpp"

#include "util/utf8.hpp"

namespace ordercast::util {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string tidy_name(std::string_view name) {
    std::string out;
    bool gap = false;
    for (char c : name) {
        if (is_space(c)) {
            gap = !out.empty();
            continue;
        }
        if (gap) out += ' ';
        gap = false;
        out += c;
    }
    return out;
}

std::string text_key(std::string_view name) {
    std::string s = tidy_name(name);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c + 32);
            continue;
        }
        if (i + 1 < s.size() && (c == 0xD0 || c == 0xD1)) {
            // Cyrillic in UTF-8: U+0410..U+042F (А..Я) -> U+0430..U+044F, U+0401 (Ё) -> U+0451.
            const auto d = static_cast<unsigned char>(s[i + 1]);
            if (c == 0xD0 && d >= 0x90 && d <= 0x9F) {
                out += static_cast<char>(0xD0);
                out += static_cast<char>(d + 0x20);
                ++i;
                continue;
            }
            if (c == 0xD0 && d >= 0xA0 && d <= 0xAF) {
                out += static_cast<char>(0xD1);
                out += static_cast<char>(d - 0x20);
                ++i;
                continue;
            }
            if (c == 0xD0 && d == 0x81) {
                out += static_cast<char>(0xD1);
                out += static_cast<char>(0x91);
                ++i;
                continue;
            }
        }
        out += static_cast<char>(c);
    }
    return out;
}

std::optional<std::string> hidden_characters(std::string_view name) {
    while (!name.empty()) {
        const auto [cp, n] = next_code_point(name);
        if (n == 0) return "names must be valid UTF-8";
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return "control characters are not allowed in names";
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return "bidirectional override characters are not allowed in names";
        if ((cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF)
            return "zero-width characters are not allowed in names";
        name.remove_prefix(n);
    }
    return std::nullopt;
}

}  // namespace ordercast::util
