#include "util/json_text.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace ordercast::util {
namespace {

void write(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, value] : v.get_object()) {
                if (!first) out += ',';
                first = false;
                out += boost::json::serialize(boost::json::string_view(key));
                out += ':';
                write(out, value);
            }
            out += '}';
            return;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first) out += ',';
                first = false;
                write(out, item);
            }
            out += ']';
            return;
        }
        case boost::json::kind::double_: {
            const double d = v.get_double();
            if (!std::isfinite(d)) {
                out += "null";  // JSON has no infinities; Boost.JSON never parses them either
                return;
            }
            char buf[32];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
            out.append(buf, end);
            return;
        }
        default:
            out += boost::json::serialize(v);
    }
}

}  // namespace

std::string to_json_text(const boost::json::value& v) {
    std::string out;
    write(out, v);
    return out;
}

}  // namespace ordercast::util
