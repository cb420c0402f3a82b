#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ordercast::storage {

// Ids as the databases aggregate them: "3,7" (group_concat, string_agg); empty: none.
inline std::vector<std::int64_t> split_ids(std::string_view text) {
    std::vector<std::int64_t> ids;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto part = text.substr(0, comma);
        std::int64_t id = 0;
        std::from_chars(part.data(), part.data() + part.size(), id);
        ids.push_back(id);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return ids;
}

}  // namespace ordercast::storage
