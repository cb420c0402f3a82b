#include "auth/principal.hpp"

#include <array>

namespace ordercast::auth {
namespace {
constexpr std::array<std::string_view, role_count> names = {"user", "manager", "admin", "ceo",
                                                            "service"};
}

std::string_view to_string(role r) {
    return names[static_cast<std::size_t>(r)];
}

std::optional<role> parse_role(std::string_view text) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) return static_cast<role>(i);
    }
    return std::nullopt;
}

}  // namespace ordercast::auth
