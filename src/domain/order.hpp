#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/money.hpp"
#include "domain/order_status.hpp"

namespace ordercast::domain {

// One line of an order: the menu item, and its name and price as they were when the order
// was placed.
struct order_item {
    std::int64_t menu_item_id = 0;  // 0 for orders placed before the menu existed
    std::string name;
    kopecks price = 0;
    std::int32_t quantity = 0;
};

struct order {
    std::int64_t id = 0;
    std::string order_number;
    std::int64_t user_id = 0;
    std::int64_t city_id = 0;
    order_status status = order_status::pending;
    kopecks subtotal = 0;
    kopecks total = 0;  // subtotal - bonuses_used
    kopecks bonuses_used = 0;
    kopecks bonuses_earned = 0;
    std::vector<order_item> items;
    std::string comment;
    std::string created_at;  // ISO-8601 UTC with milliseconds
    std::string updated_at;
};

struct city {
    std::int64_t id = 0;
    std::string name;
};

// One change of a user's bonus balance; the balance is the sum of these.
struct bonus_operation {
    std::string type;  // earned, used, refunded
    kopecks amount = 0;
    std::int64_t order_id = 0;
    kopecks balance_after = 0;
    std::string created_at;
};

struct user {
    std::int64_t id = 0;
    std::string role;
    std::string login;
    std::int64_t telegram_id = 0;
    std::string first_name;
    std::string username;
    kopecks bonus_balance = 0;
};

}  // namespace ordercast::domain
