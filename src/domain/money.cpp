#include "domain/money.hpp"

#include <charconv>
#include <cmath>

namespace ordercast::domain {

std::optional<kopecks> parse_roubles(const boost::json::value& v) {
    if (v.is_int64()) {
        if (v.as_int64() < 0 || v.as_int64() > max_amount / 100) return std::nullopt;
        return v.as_int64() * 100;
    }
    if (v.is_uint64()) {
        if (v.as_uint64() > static_cast<std::uint64_t>(max_amount / 100)) return std::nullopt;
        return static_cast<kopecks>(v.as_uint64()) * 100;
    }
    if (!v.is_double()) return std::nullopt;
    const double roubles = v.as_double();
    if (!std::isfinite(roubles) || roubles < 0 || roubles > static_cast<double>(max_amount / 100))
        return std::nullopt;
    // The shortest decimal that reads back as this double is what the client wrote (or the
    // same number): an exact test of "two decimals at most", where any tolerance on
    // roubles * 100 lets 5000.555 through once the amount is large enough.
    char text[64];
    auto [end, ec] = std::to_chars(text, text + sizeof text, roubles, std::chars_format::fixed);
    if (ec != std::errc{}) return std::nullopt;
    kopecks whole = 0;
    const char* p = text;
    for (; p < end && *p != '.'; ++p) whole = whole * 10 + (*p - '0');
    kopecks cents = 0;
    int decimals = 0;
    if (p < end) {
        for (++p; p < end; ++p, ++decimals) cents = cents * 10 + (*p - '0');
    }
    if (decimals > 2) return std::nullopt;
    if (decimals == 1) cents *= 10;
    return whole * 100 + cents;
}

boost::json::value to_roubles(kopecks amount) {
    if (amount % 100 == 0) return boost::json::value(amount / 100);
    return boost::json::value(static_cast<double>(amount) / 100.0);
}

kopecks percent_of(kopecks amount, int percent) {
    return amount * percent / 100;
}

}  // namespace ordercast::domain
