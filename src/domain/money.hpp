#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>

namespace ordercast::domain {

// Money and bonuses are integer kopecks everywhere inside; JSON shows roubles with at
// most two decimals (15050 -> 150.5).
using kopecks = std::int64_t;

// A JSON number of roubles as kopecks: nothing when it is not a number, is negative,
// has more than two decimals or is absurdly large.
std::optional<kopecks> parse_roubles(const boost::json::value& v);
boost::json::value to_roubles(kopecks amount);

// `percent` % of `amount`, rounded half up to whole kopecks.
kopecks percent_of(kopecks amount, int percent);

}  // namespace ordercast::domain
