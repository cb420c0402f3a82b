#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>

namespace ordercast::domain {

// Money and bonuses are integer kopecks everywhere inside; JSON shows roubles with at
// most two decimals (15050 -> 150.5).
using kopecks = std::int64_t;

// The largest amount a request may name (a price, bonuses to spend): 10,000,000 roubles.
// With at most 100 items of quantity 1000, every total stays below 2^53 kopecks, so
// doubles print every amount exactly.
inline constexpr kopecks max_amount = 1'000'000'000;

// A JSON number of roubles as kopecks: nothing when it is not a number, is negative,
// has more than two decimals or is over max_amount.
std::optional<kopecks> parse_roubles(const boost::json::value& v);
boost::json::value to_roubles(kopecks amount);

// `percent` % of `amount`, rounded down to whole kopecks: never more than the percentage.
kopecks percent_of(kopecks amount, int percent);

}  // namespace ordercast::domain
