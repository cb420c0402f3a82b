#include "auth/telegram_init_data.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "auth/jwt.hpp"
#include "util/decimal_id.hpp"
#include "util/form_fields.hpp"
#include "util/hex.hpp"

namespace ordercast::auth {
namespace {

std::string check_string(std::vector<std::pair<std::string, std::string>> fields) {
    std::sort(fields.begin(), fields.end());
    std::string text;
    for (const auto& [k, v] : fields) {
        if (!text.empty()) text += '\n';
        text += k + "=" + v;
    }
    return text;
}

std::string secret_key(std::string_view bot_token) {
    return hmac_sha256("WebAppData", bot_token);
}

}  // namespace

std::string_view to_string(init_data_error e) {
    static constexpr std::array<std::string_view, 4> names = {"malformed", "bad_hash", "expired",
                                                              "no_user"};
    return names[static_cast<std::size_t>(e)];
}

std::variant<telegram_user, init_data_error> validate_init_data(std::string_view init_data,
                                                                std::string_view bot_token,
                                                                std::int64_t now_s,
                                                                std::int64_t max_age_s) {
    if (init_data.empty() || init_data.size() > 8192) return init_data_error::malformed;
    auto all = util::form_fields(init_data);
    if (!all) return init_data_error::malformed;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string hash, user_json, auth_date;
    for (auto& [key, value] : *all) {
        if (key == "hash") {
            hash = value;
            continue;
        }
        if (key == "user") user_json = value;
        if (key == "auth_date") auth_date = value;
        fields.emplace_back(key, value);
    }
    if (hash.size() != 64) return init_data_error::malformed;
    std::string expected =
        util::hex(hmac_sha256(secret_key(bot_token), check_string(std::move(fields))));
    if (CRYPTO_memcmp(expected.data(), hash.data(), expected.size()) != 0)
        return init_data_error::bad_hash;

    std::int64_t signed_at = 0;
    auto [end, ec] =
        std::from_chars(auth_date.data(), auth_date.data() + auth_date.size(), signed_at);
    if (ec != std::errc{} || end != auth_date.data() + auth_date.size())
        return init_data_error::malformed;
    if (signed_at > now_s + 60 || now_s - signed_at > max_age_s) return init_data_error::expired;

    boost::system::error_code parse_ec;
    auto user = boost::json::parse(user_json, parse_ec);
    if (parse_ec || !user.is_object()) return init_data_error::no_user;
    const auto* id = user.as_object().if_contains("id");
    // Telegram ids fit 52 bits; 1.5, 1e30 or 2^63 are refused, never converted.
    auto user_id = id ? util::json_id(*id) : std::nullopt;
    if (!user_id) return init_data_error::no_user;
    telegram_user u;
    u.id = *user_id;
    if (const auto* n = user.as_object().if_contains("first_name"); n && n->is_string())
        u.first_name = n->as_string();
    if (const auto* n = user.as_object().if_contains("username"); n && n->is_string())
        u.username = n->as_string();
    return u;
}

std::string sign_init_data(std::string_view fields, std::string_view bot_token) {
    auto pairs =
        util::form_fields(fields).value_or(std::vector<std::pair<std::string, std::string>>{});
    return std::string(fields) +
           "&hash=" + util::hex(hmac_sha256(secret_key(bot_token), check_string(std::move(pairs))));
}

}  // namespace ordercast::auth
