#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ordercast::config {

// Every setting of the server, with its default. Loaded once at start-up, then read-only.
struct config {
    std::string host = "0.0.0.0";
    std::uint16_t port = 3000;
    std::string jwt_secret;
    int jwt_leeway_s = 5;
    std::uint32_t ping_interval_ms = 30000;
    std::vector<std::string> allowed_origins;  // empty: any origin
    std::string log_level = "info";
    std::string log_format = "text";
    unsigned threads = 0;  // 0: one per core
    std::size_t send_queue_bytes = 1 << 20;
    std::uint32_t rate_limit_per_s = 100;  // client messages per second per socket
    std::string database_url = "sqlite://data/ordercast.db";
    unsigned database_pool = 4;  // PostgreSQL connections (SQLite keeps one writer)
    int bonus_earn_percent = 5;
    std::string telegram_bot_token;    // empty: Telegram login off
    std::int64_t token_ttl_s = 86400;  // tokens issued by the login endpoints
    std::string redis_url;             // empty: in-process broker only
    std::string gulyash_url;           // empty: sync off
    std::string gulyash_api_key;
    std::int64_t gulyash_timeout_ms = 5000;
    int gulyash_max_attempts = 10;
    std::uint32_t orders_per_minute = 10;       // per customer, per instance
    std::uint32_t max_sockets_per_user = 16;    // per instance; the oldest socket gives way
    std::uint32_t login_failures_per_min = 10;  // per login and per client address
    std::int64_t event_retention_s = 86400;     // the event log keeps events this long
    int replay_limit = 1000;                    // most events one resume replays
    std::int64_t pending_alert_s = 180;         // unattended-order alerts; 0: off
};

// Why `secret` is too weak to sign tokens with, or nothing when it will do.
std::optional<std::string> weak_secret(std::string_view secret);

// A setting that cannot be used; its message names the variable and the reason.
struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;

// Reads the environment through `env`, then `args` (flags win), then validates.
// Throws config_error.
config load(const std::vector<std::string>& args, const env_lookup& env);

// The process environment, for `load`.
std::optional<std::string> process_env(const std::string& name);

// One line per setting: flag, variable, default, meaning.
std::string usage();

}  // namespace ordercast::config
