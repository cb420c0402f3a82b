#include "domain/order_json.hpp"

#include <boost/json.hpp>

namespace ordercast::domain {
namespace json = boost::json;

json::value to_json(const order& o) {
    json::array items;
    for (const auto& i : o.items) {
        json::object line{{"menuItemId", nullptr},
                          {"name", i.name},
                          {"price", to_roubles(i.price)},
                          {"quantity", i.quantity}};
        if (i.menu_item_id) line["menuItemId"] = i.menu_item_id;
        items.push_back(std::move(line));
    }
    return json::object{
        {"id", o.id},
        {"order_number", o.order_number},
        {"user_id", o.user_id},
        {"city_id", o.city_id},
        {"status", to_string(o.status)},
        {"subtotal", to_roubles(o.subtotal)},
        {"total", to_roubles(o.total)},
        {"bonuses_used", to_roubles(o.bonuses_used)},
        {"bonuses_earned", to_roubles(o.bonuses_earned)},
        {"items", std::move(items)},
        {"comment", o.comment},
        {"created_at", o.created_at},
        {"updated_at", o.updated_at},
    };
}

json::value to_json(const menu_item& m) {
    json::array cities;
    for (auto c : m.cities) cities.push_back(c);
    return json::object{{"id", m.id},
                        {"name", m.name},
                        {"price", to_roubles(m.price)},
                        {"cityIds", std::move(cities)},
                        {"available", m.available}};
}

json::value to_json(const city& c) {
    return json::object{{"id", c.id}, {"name", c.name}};
}

json::value to_json(const bonus_operation& op) {
    json::object o{{"type", op.type},
                   {"amount", to_roubles(op.amount)},
                   {"balance", to_roubles(op.balance_after)},
                   {"timestamp", op.created_at}};
    if (op.order_id) {
        o["orderId"] = op.order_id;
    } else {
        o["orderId"] = nullptr;
    }
    return o;
}

}  // namespace ordercast::domain
