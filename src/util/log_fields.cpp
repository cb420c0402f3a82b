#include "util/log_fields.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "util/hex.hpp"
#include "util/utf8.hpp"

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
        const auto n = next_code_point(text).length;
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
    std::string out;
    out.reserve(text.size());
    for (char c : valid_utf8(text)) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            out += "\\x" + hex(std::string_view(&c, 1));
        } else {
            out += c;
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
