#pragma once

#include <string>
#include <vector>

#include "domain/order.hpp"

namespace ordercast::storage {

// Items are stored as one JSON text column, prices in kopecks: [{"name","price","quantity"}].
std::string items_to_text(const std::vector<domain::order_item>& items);
std::vector<domain::order_item> items_from_text(const std::string& text);

}  // namespace ordercast::storage
