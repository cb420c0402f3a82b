#include "util/log_fields.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace ordercast::util {

void add_field(std::string& line, std::string_view key, std::string_view value) {
    if (json_logs.load(std::memory_order_relaxed)) {
        if (line.empty()) line += fields_marker;
        if (line.size() > 1) line += ',';
        line += '"';
        line += key;
        line += "\":";
        line += boost::json::serialize(boost::json::string(value));
    } else {
        if (!line.empty()) line += ' ';
        line += key;
        line += '=';
        line += value;
    }
}

void add_field(std::string& line, std::string_view key, long long value) {
    if (json_logs.load(std::memory_order_relaxed)) {
        if (line.empty()) line += fields_marker;
        if (line.size() > 1) line += ',';
        line += '"';
        line += key;
        line += "\":";
        line += std::to_string(value);
    } else {
        if (!line.empty()) line += ' ';
        line += key;
        line += '=';
        line += std::to_string(value);
    }
}

}  // namespace ordercast::util
