#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ordercast::util {

// The one rule for user, order and city ids everywhere (tokens, paths, bodies, rooms,
// queries): a positive integer no larger than 2^53-1, so that JavaScript clients hold it
// exactly.
inline constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;

inline bool valid_id(std::int64_t id) {
    return id > 0 && id <= max_id;
}

// An id written the one canonical way: a positive decimal, no sign, no leading zero, at
// most max_id. "7" yes; "07", "+7", "0", "7x", "9007199254740992" no.
inline std::optional<std::int64_t> parse_decimal_id(std::string_view digits) {
    if (digits.empty() || digits.size() > 16 || digits[0] == '0') return std::nullopt;
    std::int64_t id = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    if (!valid_id(id)) return std::nullopt;
    return id;
}

// An id as a JSON integer (`7`, not `7.0`, `"7"` or `-7`).
inline std::optional<std::int64_t> json_id(const boost::json::value& v) {
    if (v.is_int64() && valid_id(v.as_int64())) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(max_id))
        return static_cast<std::int64_t>(v.as_uint64());
    return std::nullopt;
}

}  // namespace ordercast::util
