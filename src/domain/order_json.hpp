#pragma once

#include <boost/json/value.hpp>

#include "domain/menu.hpp"
#include "domain/order.hpp"

namespace ordercast::domain {

// The order object of docs/protocol.md §3.1, money in roubles.
boost::json::value to_json(const order& o);
boost::json::value to_json(const city& c);
// A menu item of docs/protocol.md §7: `{"id","name","price","cityIds","available"}`.
boost::json::value to_json(const menu_item& m);
boost::json::value to_json(const bonus_operation& op);

}  // namespace ordercast::domain
