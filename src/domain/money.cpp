#include "domain/money.hpp"

#include <cmath>

namespace ordercast::domain {
namespace {
constexpr kopecks max_kopecks = 100'000'000'000;  // a billion roubles
}

std::optional<kopecks> parse_roubles(const boost::json::value& v) {
    if (v.is_int64()) {
        if (v.as_int64() < 0 || v.as_int64() > max_kopecks / 100) return std::nullopt;
        return v.as_int64() * 100;
    }
    if (v.is_uint64()) {
        if (v.as_uint64() > static_cast<std::uint64_t>(max_kopecks / 100)) return std::nullopt;
        return static_cast<kopecks>(v.as_uint64()) * 100;
    }
    if (!v.is_double()) return std::nullopt;
    const double roubles = v.as_double();
    if (!std::isfinite(roubles) || roubles < 0 ||
        roubles > static_cast<double>(max_kopecks / 100)) {
        return std::nullopt;
    }
    const double scaled = roubles * 100;
    const double whole = std::round(scaled);
    // 150.5 * 100 is 15050.000000000002 in binary floating point: allow that, not 150.555.
    if (std::fabs(scaled - whole) > 1e-6 * std::max(1.0, whole)) return std::nullopt;
    return static_cast<kopecks>(whole);
}

boost::json::value to_roubles(kopecks amount) {
    if (amount % 100 == 0) return boost::json::value(amount / 100);
    return boost::json::value(static_cast<double>(amount) / 100.0);
}

kopecks percent_of(kopecks amount, int percent) {
    return (amount * percent + 50) / 100;
}

}  // namespace ordercast::domain
