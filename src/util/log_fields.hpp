#pragma once

#include <atomic>
#include <string>
#include <string_view>

namespace ordercast::util {

// Log lines with fields (the HTTP access line): in LOG_FORMAT=json the fields are members of
// the line's object; in text they read `key=value`. The logger (app/logging) recognises a
// fields line by its first byte.
inline constexpr char fields_marker = '\x1e';

// Set once at start by the logging setup.
inline std::atomic<bool> json_logs{false};

// `text` with every byte that does not start well-formed UTF-8 replaced by U+FFFD: JSON logs
// stay valid whatever bytes a client sent.
std::string valid_utf8(std::string_view text);
// `valid_utf8(text)` with control characters written as \xNN: a text log line stays one line
// and no escape sequence reaches a terminal.
std::string printable(std::string_view text);

// `text` as a JSON string literal (quotes, backslashes and controls escaped): for a value a
// client chose inside a plain message, so it cannot pose as another field.
std::string quoted(std::string_view text);

// Appends `key` and `value` to a fields line being built (JSON members or `key=value`; a
// text value with spaces, '=', quotes or control characters is quoted and escaped).
void add_field(std::string& line, std::string_view key, std::string_view value);
void add_field(std::string& line, std::string_view key, long long value);

}  // namespace ordercast::util
