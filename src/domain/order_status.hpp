#pragma once

#include <optional>
#include <string_view>

namespace ordercast::domain {

enum class order_status : unsigned char {
    pending,
    confirmed,
    preparing,
    ready,
    delivering,
    completed,
    cancelled
};

std::string_view to_string(order_status s);
std::optional<order_status> parse_status(std::string_view text);

// pending -> confirmed -> preparing -> ready -> delivering -> completed, ready -> completed
// (pickup), and any status that is not final -> cancelled.
bool can_transition(order_status from, order_status to);
bool is_final(order_status s);

}  // namespace ordercast::domain
