#include "api/menu_json.hpp"

#include "api/json_body.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::api {
namespace json = boost::json;

domain::kopecks parse_price(const json::value& v) {
    auto price = domain::parse_roubles(v);
    if (!price)
        throw bad_request("bad-price",
                          "'price' is a number of roubles from 0 to 10,000,000 with at most two "
                          "decimals");
    return *price;
}

std::vector<std::int64_t> parse_cities(const json::value& v) {
    if (!v.is_array() || v.as_array().size() > 1000)
        throw bad_request("bad-cities", "'cityIds' is an array of at most 1000 city ids");
    std::vector<std::int64_t> cities;
    for (const auto& c : v.as_array()) {
        auto id = util::json_id(c);
        if (!id) throw bad_request("bad-cities", "city ids are integers from 1 to 2^53-1");
        cities.push_back(*id);
    }
    return cities;
}

std::string parse_name(const json::value& v) {
    if (!v.is_string()) throw bad_request("bad-name", "'name' must be a string");
    return std::string(v.as_string());
}

domain::menu_item menu_item_from_json(const json::value& v) {
    if (!v.is_object()) throw bad_request("bad-request", "a menu item is a JSON object");
    const auto& o = v.as_object();
    domain::menu_item item;
    const auto* name = o.if_contains("name");
    const auto* price = o.if_contains("price");
    if (!name) throw bad_request("bad-name", "'name' is required");
    if (!price) throw bad_request("bad-price", "'price' is required");
    item.name = parse_name(*name);
    item.price = parse_price(*price);
    if (const auto* cities = o.if_contains("cityIds"); cities && !cities->is_null())
        item.cities = parse_cities(*cities);
    if (const auto* available = o.if_contains("available"); available && !available->is_null()) {
        if (!available->is_bool())
            throw bad_request("bad-available", "'available' is true or false");
        item.available = available->as_bool();
    }
    return item;
}

}  // namespace ordercast::api
