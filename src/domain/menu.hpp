#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/money.hpp"

namespace ordercast::domain {

// A dish or drink the restaurant sells (docs/protocol.md §7). Orders take their names and
// prices from here; an order keeps what it was placed with.
struct menu_item {
    std::int64_t id = 0;
    std::string name;
    kopecks price = 0;
    std::vector<std::int64_t> cities;  // where it is sold; empty: every city
    bool available = true;
    std::string created_at;
    std::string updated_at;

    bool sold_in(std::int64_t city_id) const {
        return cities.empty() || std::find(cities.begin(), cities.end(), city_id) != cities.end();
    }
};

// What a PATCH changes; what is absent stays.
struct menu_patch {
    std::optional<std::string> name;
    std::optional<kopecks> price;
    std::optional<std::vector<std::int64_t>> cities;
    std::optional<bool> available;
};

enum class menu_write : std::uint8_t { done, not_found, name_taken };

inline constexpr std::size_t max_menu_name = 200;

}  // namespace ordercast::domain
