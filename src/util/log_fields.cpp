#include "util/log_fields.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace ordercast::util {
namespace {

// Starts the next field: its separator and key; the value follows.
void begin_field(std::string& line, std::string_view key) {
    if (json_logs.load(std::memory_order_relaxed)) {
        if (line.empty()) line += fields_marker;
        if (line.size() > 1) line += ',';
        line += '"';
        line += key;
        line += "\":";
    } else {
        if (!line.empty()) line += ' ';
        line += key;
        line += '=';
    }
}

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlongs,
// no surrogates, nothing past U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
        if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;
        if (c == 0xF4 && b(1) >= 0x90) return 0;
        return 4;
    }
    return 0;
}

// Plain text that needs quoting to stay one `key=value` (spaces, '=', quotes, controls).
bool needs_quotes(std::string_view value) {
    if (value.empty()) return true;
    for (unsigned char c : value) {
        if (c <= 0x20 || c == '=' || c == '"' || c == '\\' || c == 0x7F) return true;
    }
    return false;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto n = utf8_length(text);
        if (n == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD for each byte that starts no valid sequence
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, n));
            text.remove_prefix(n);
        }
    }
    return out;
}

std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : valid_utf8(text)) {
        if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string quoted(std::string_view text) {
    return boost::json::serialize(boost::json::string(valid_utf8(text)));
}

void add_field(std::string& line, std::string_view key, std::string_view value) {
    begin_field(line, key);
    if (json_logs.load(std::memory_order_relaxed)) {
        line += boost::json::serialize(boost::json::string(valid_utf8(value)));
    } else if (needs_quotes(value)) {
        // Quoted and escaped: a value cannot forge another field or start another line.
        line += '"';
        for (char c : printable(value)) {
            if (c == '"' || c == '\\') line += '\\';
            line += c;
        }
        line += '"';
    } else {
        line += value;
    }
}

void add_field(std::string& line, std::string_view key, long long value) {
    begin_field(line, key);
    line += std::to_string(value);
}

}  // namespace ordercast::util
