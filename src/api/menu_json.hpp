#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/menu.hpp"

namespace ordercast::api {

// The fields of a menu item as requests and `ordercast menu import` send them; each throws
// domain::error (400) naming what is wrong.
domain::kopecks parse_price(const boost::json::value& v);
std::vector<std::int64_t> parse_cities(const boost::json::value& v);
std::string parse_name(const boost::json::value& v);
// `{name, price, cityIds?, available?}`.
domain::menu_item menu_item_from_json(const boost::json::value& v);

}  // namespace ordercast::api
