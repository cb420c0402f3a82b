#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ordercast::util {

// An id written the one canonical way: a positive decimal, no sign, no leading zero, at
// most 18 digits (so it fits an int64). "7" yes; "07", "+7", "0", "7x" no.
inline std::optional<std::int64_t> parse_decimal_id(std::string_view digits) {
    if (digits.empty() || digits.size() > 18 || digits[0] == '0') return std::nullopt;
    std::int64_t id = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id;
}

}  // namespace ordercast::util
