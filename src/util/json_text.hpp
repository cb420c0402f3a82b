#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace ordercast::util {

// JSON text with numbers as people write them: Boost.JSON 1.81 prints 150.5 as
// "1.505E2"; this prints the shortest form that reads back the same ("150.5").
std::string to_json_text(const boost::json::value& v);

}  // namespace ordercast::util
