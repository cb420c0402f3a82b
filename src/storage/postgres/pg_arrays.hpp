#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ordercast::storage::postgres {

// A text[] literal: every element quoted, `"` and `\` escaped, so any text (JSON included)
// passes as it is.
inline std::string text_array(const std::vector<std::string_view>& items) {
    std::string text = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) text += ',';
        text += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') text += '\\';
            text += c;
        }
        text += '"';
    }
    return text + "}";
}

inline std::string id_array(const std::vector<std::int64_t>& ids) {
    std::string text = "{";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) text += ',';
        text += std::to_string(ids[i]);
    }
    return text + "}";
}

}  // namespace ordercast::storage::postgres
