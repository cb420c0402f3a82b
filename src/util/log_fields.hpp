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

// Appends `key` and `value` to a fields line being built (JSON members or `key=value`).
void add_field(std::string& line, std::string_view key, std::string_view value);
void add_field(std::string& line, std::string_view key, long long value);

}  // namespace ordercast::util
