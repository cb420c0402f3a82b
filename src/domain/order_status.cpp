#include "domain/order_status.hpp"

#include <array>

namespace ordercast::domain {
namespace {
constexpr std::array<std::string_view, 7> names = {"pending",    "confirmed", "preparing", "ready",
                                                   "delivering", "completed", "cancelled"};
}

std::string_view to_string(order_status s) {
    return names[static_cast<std::size_t>(s)];
}

std::optional<order_status> parse_status(std::string_view text) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) return static_cast<order_status>(i);
    }
    return std::nullopt;
}

bool is_final(order_status s) {
    return s == order_status::completed || s == order_status::cancelled;
}

bool can_transition(order_status from, order_status to) {
    using enum order_status;
    if (is_final(from)) return false;
    if (to == cancelled) return true;
    switch (from) {
        case pending:
            return to == confirmed;
        case confirmed:
            return to == preparing;
        case preparing:
            return to == ready;
        case ready:
            return to == delivering || to == completed;
        case delivering:
            return to == completed;
        default:
            return false;
    }
}

}  // namespace ordercast::domain
