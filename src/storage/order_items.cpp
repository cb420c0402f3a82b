#include "storage/order_items.hpp"

#include <boost/json.hpp>

namespace ordercast::storage {
namespace json = boost::json;

std::string items_to_text(const std::vector<domain::order_item>& items) {
    json::array a;
    for (const auto& i : items)
        a.push_back(json::object{{"menuItemId", i.menu_item_id},
                                 {"name", i.name},
                                 {"price", i.price},
                                 {"quantity", i.quantity}});
    return json::serialize(a);
}

std::vector<domain::order_item> items_from_text(const std::string& text) {
    std::vector<domain::order_item> items;
    const json::value parsed = json::parse(text);
    for (const auto& v : parsed.as_array()) {
        const auto& o = v.as_object();
        // Orders placed before the menu have no menu item.
        const auto* menu_item = o.if_contains("menuItemId");
        items.push_back({menu_item ? menu_item->to_number<std::int64_t>() : 0,
                         std::string(o.at("name").as_string()),
                         o.at("price").to_number<std::int64_t>(),
                         o.at("quantity").to_number<std::int32_t>()});
    }
    return items;
}

}  // namespace ordercast::storage
