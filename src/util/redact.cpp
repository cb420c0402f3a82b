#include "util/redact.hpp"

namespace ordercast::util {

std::string redact_url(std::string_view url) {
    std::string out(url);
    const auto scheme_end = out.find("://");
    if (scheme_end == std::string::npos) return out;
    const auto authority = scheme_end + 3;
    auto authority_end = out.find_first_of("/?#", authority);
    if (authority_end == std::string::npos) authority_end = out.size();
    // The last '@' of the authority ends the user-info (a password may itself hold '@').
    const auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority) {
        const auto colon = out.find(':', authority);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    for (std::string_view key : {"password=", "pass=", "passwd="}) {
        auto pos = out.find('?');
        while (pos != std::string::npos) {
            pos = out.find(key, pos);
            if (pos == std::string::npos) break;
            const char before = out[pos - 1];
            const auto value = pos + key.size();
            auto end = out.find_first_of("&#", value);
            if (end == std::string::npos) end = out.size();
            if (before == '?' || before == '&') {
                out.replace(value, end - value, "***");
                pos = value + 3;
            } else {
                pos = end;
            }
        }
    }
    return out;
}

}  // namespace ordercast::util
