#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ordercast::storage {

// Rooms as the event log stores them: one comma-separated column (room ids never hold a
// comma).
inline std::string join_rooms(const std::vector<std::string>& rooms, char separator = ',') {
    std::string out;
    for (const auto& r : rooms) {
        if (!out.empty()) out += separator;
        out += r;
    }
    return out;
}

inline std::vector<std::string> split_rooms(std::string_view text) {
    std::vector<std::string> rooms;
    while (!text.empty()) {
        auto comma = text.find(',');
        rooms.emplace_back(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return rooms;
}

}  // namespace ordercast::storage
