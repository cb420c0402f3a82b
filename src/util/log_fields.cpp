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

}  // namespace

void add_field(std::string& line, std::string_view key, std::string_view value) {
    begin_field(line, key);
    if (json_logs.load(std::memory_order_relaxed)) {
        line += boost::json::serialize(boost::json::string(value));
    } else {
        line += value;
    }
}

void add_field(std::string& line, std::string_view key, long long value) {
    begin_field(line, key);
    line += std::to_string(value);
}

}  // namespace ordercast::util
