#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace ordercast::auth {

struct telegram_user {
    std::int64_t id = 0;
    std::string first_name;
    std::string username;
};

enum class init_data_error : unsigned char { malformed, bad_hash, expired, no_user };
std::string_view to_string(init_data_error e);

// Validates Telegram Mini App initData: secret = HMAC-SHA256(key "WebAppData", bot token);
// hash = hex HMAC-SHA256(secret, the `key=value` lines of every other field, sorted by key,
// joined by "\n"), compared in constant time; `auth_date` at most `max_age_s` old.
std::variant<telegram_user, init_data_error> validate_init_data(std::string_view init_data,
                                                                std::string_view bot_token,
                                                                std::int64_t now_s,
                                                                std::int64_t max_age_s = 86400);

// The other side, for tests and tools: signs `fields` (already in key=value&... form,
// without hash) the way Telegram does and appends `&hash=...`.
std::string sign_init_data(std::string_view fields, std::string_view bot_token);

}  // namespace ordercast::auth
