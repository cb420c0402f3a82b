#pragma once

#include <string>
#include <vector>

#include "domain/order.hpp"

namespace ordercast::storage {

// The columns both databases read an order from, in read order.
inline constexpr const char* order_select =
    "SELECT id, order_number, user_id, city_id, status, subtotal, total, bonuses_used, "
    "bonuses_earned, items, "
    "comment, created_at, updated_at FROM orders";

// Items are stored as one JSON text column, prices in kopecks: [{"name","price","quantity"}].
std::string items_to_text(const std::vector<domain::order_item>& items);
std::vector<domain::order_item> items_from_text(const std::string& text);

}  // namespace ordercast::storage
