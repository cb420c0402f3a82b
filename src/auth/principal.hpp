#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ordercast::auth {

enum class role : std::uint8_t { user, manager, admin, ceo, service };
inline constexpr int role_count = 5;

std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view text);

// Who is on the other end of a socket or request, as the verified token says.
struct principal {
    std::int64_t user_id = 0;
    role who = role::user;
    std::vector<std::int64_t> city_ids;
    std::int64_t expires_at = 0;  // unix seconds
    std::int64_t issued_at = 0;   // unix seconds (`iat`; 0 when the token has none)

    bool is_staff_admin() const { return who == role::admin || who == role::ceo; }
};

}  // namespace ordercast::auth
