#include "app/token_command.hpp"

#include <iostream>
#include <optional>

#include "auth/jwt.hpp"
#include "config/config.hpp"
#include "util/clock.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::app {
namespace {

constexpr const char* usage =
    "usage: ordercast token --user-id N --role user|manager|admin|ceo|service [--city-id C]...\n"
    "                       [--ttl SECONDS] [--jwt-secret SECRET]   (default ttl 3600; secret from "
    "JWT_SECRET)\n";

std::optional<std::int64_t> positive(const std::string& text) {
    return util::parse_decimal_id(text);
}

int fail(const std::string& message) {
    std::cerr << "ordercast token: " << message << "\n" << usage;
    return 2;
}

}  // namespace

int token_command(const std::vector<std::string>& args) {
    auth::principal p;
    std::optional<std::int64_t> user_id;
    std::optional<auth::role> role;
    std::int64_t ttl = 3600;
    std::string secret = config::process_env("JWT_SECRET").value_or("");
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--help" || flag == "-h") {
            std::cout << usage;
            return 0;
        }
        if (i + 1 >= args.size()) return fail(flag + ": missing value");
        const std::string& value = args[++i];
        if (flag == "--user-id") {
            user_id = positive(value);
            if (!user_id) return fail("--user-id: expected a whole number from 1 to 2^53-1");
        } else if (flag == "--role") {
            role = auth::parse_role(value);
            if (!role) return fail("--role: expected user, manager, admin, ceo or service");
        } else if (flag == "--city-id") {
            auto city = positive(value);
            if (!city) return fail("--city-id: expected a whole number from 1 to 2^53-1");
            p.city_ids.push_back(*city);
        } else if (flag == "--ttl") {
            auto t = positive(value);
            if (!t) return fail("--ttl: expected a positive number of seconds");
            ttl = *t;
        } else if (flag == "--jwt-secret") {
            secret = value;
        } else {
            return fail("unknown option '" + flag + "'");
        }
    }
    if (!user_id) return fail("--user-id is required");
    if (!role) return fail("--role is required");
    if (auto why = config::weak_secret(secret)) return fail("JWT_SECRET (or --jwt-secret) " + *why);
    p.user_id = *user_id;
    p.who = *role;
    const auto now = util::unix_seconds();
    p.expires_at = now + ttl;
    std::cout << auth::sign_hs256(p, secret, now) << "\n";
    return 0;
}

}  // namespace ordercast::app
