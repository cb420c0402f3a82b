#include "util/text_key.hpp"

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
    for (std::size_t i = 0; i < name.size();) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F) return "control characters are not allowed in names";
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        if (n == 0 || i + n > name.size()) return "names must be valid UTF-8";
        char32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(name[i + k]);
            if ((cc & 0xC0) != 0x80) return "names must be valid UTF-8";
            cp = (cp << 6) | (cc & 0x3F);
        }
        const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return "names must be valid UTF-8";
        if (cp >= 0x80 && cp <= 0x9F) return "control characters are not allowed in names";
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return "bidirectional override characters are not allowed in names";
        if ((cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF)
            return "zero-width characters are not allowed in names";
        i += n;
    }
    return std::nullopt;
}

}  // namespace ordercast::util
