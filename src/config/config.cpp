#include "config/config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "util/redact.hpp"

namespace ordercast::config {
namespace {

struct setting {
    const char* env;
    const char* help;
    std::function<void(config&, const std::string&)> apply;
};

template <typename T>
T parse_number(const std::string& name, const std::string& text, T min, T max) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        throw config_error(name + ": expected a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got '" + text + "'");
    }
    return value;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        auto first = item.find_first_not_of(" \t");
        auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
    }
    return items;
}

// An origin as browsers send it: scheme://host[:port], nothing after. Anything else in the
// list would silently match nothing (a trailing slash) or read as "allow all" (`*`).
std::optional<std::string> bad_origin(const std::string& origin) {
    const auto scheme = origin.find("://");
    const bool http = origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0;
    if (!http || scheme == std::string::npos || origin.size() == scheme + 3) {
        return "'" + origin +
               "' is not an origin; give scheme://host[:port], e.g. https://admin.example.com "
               "(leave ALLOWED_ORIGINS empty to allow any)";
    }
    const auto rest = std::string_view(origin).substr(scheme + 3);
    if (rest.find_first_of("/?#*@ ") != std::string_view::npos) {
        return "'" + origin +
               "' is not an origin: no path, trailing slash, wildcard or credentials (browsers "
               "send scheme://host[:port] exactly)";
    }
    return std::nullopt;
}

std::vector<std::string> origin_list(const std::string& text) {
    auto items = split_list(text);
    // "," or " , " names no origin at all but is not empty: refuse rather than allow any.
    if (items.empty() && text.find_first_not_of(" \t") != std::string::npos)
        throw config_error("ALLOWED_ORIGINS: '" + text +
                           "' names no origin (leave it empty to allow any)");
    return items;
}

const std::vector<setting>& settings() {
    static const std::vector<setting> all = {
        {"PORT", "listening port (0: any free port)",
         [](config& c, const std::string& v) {
             c.port = parse_number<std::uint16_t>("PORT", v, 0, 65535);
         }},
        {"HOST", "listening address", [](config& c, const std::string& v) { c.host = v; }},
        {"JWT_SECRET", "HS256 secret, at least 32 bytes (required)",
         [](config& c, const std::string& v) { c.jwt_secret = v; }},
        {"JWT_LEEWAY_S", "clock leeway for exp/nbf/iat, 0-30 s (default 5)",
         [](config& c, const std::string& v) {
             c.jwt_leeway_s = parse_number<int>("JWT_LEEWAY_S", v, 0, 30);
         }},
        {"PING_INTERVAL_MS", "protocol ping interval, 100-3600000 ms (default 30000)",
         [](config& c, const std::string& v) {
             c.ping_interval_ms = parse_number<std::uint32_t>("PING_INTERVAL_MS", v, 100, 3600000);
         }},
        {"ALLOWED_ORIGINS",
         "comma list of allowed origins (scheme://host[:port]) for WebSocket handshakes and "
         "CORS on the HTTP API (empty: any)",
         [](config& c, const std::string& v) { c.allowed_origins = origin_list(v); }},
        {"LOG_LEVEL", "trace, debug, info, warn, error or off (default info)",
         [](config& c, const std::string& v) { c.log_level = v; }},
        {"LOG_FORMAT", "text or json (default text)",
         [](config& c, const std::string& v) { c.log_format = v; }},
        {"THREADS", "network threads, 0 = one per core (default 0)",
         [](config& c, const std::string& v) {
             c.threads = parse_number<unsigned>("THREADS", v, 0, 256);
         }},
        {"SEND_QUEUE_BYTES", "per-socket send queue bound, 4096-1073741824 (default 1048576)",
         [](config& c, const std::string& v) {
             c.send_queue_bytes =
                 parse_number<std::size_t>("SEND_QUEUE_BYTES", v, 4096, std::size_t{1} << 30);
         }},
        {"DATABASE_URL", "sqlite://PATH (default sqlite://data/ordercast.db) or postgresql://...",
         [](config& c, const std::string& v) { c.database_url = v; }},
        {"DATABASE_POOL", "PostgreSQL connections, 1-64 (default 4; SQLite always uses one)",
         [](config& c, const std::string& v) {
             c.database_pool = parse_number<unsigned>("DATABASE_POOL", v, 1, 64);
         }},
        {"BONUS_EARN_PERCENT", "bonuses earned, % of an order's total, 0-100 (default 5)",
         [](config& c, const std::string& v) {
             c.bonus_earn_percent = parse_number<int>("BONUS_EARN_PERCENT", v, 0, 100);
         }},
        {"TELEGRAM_BOT_TOKEN", "bot token for Mini App initData (empty: Telegram login off)",
         [](config& c, const std::string& v) { c.telegram_bot_token = v; }},
        {"TOKEN_TTL_S",
         "lifetime of tokens the login endpoints issue, 60-31536000 s (default 86400)",
         [](config& c, const std::string& v) {
             c.token_ttl_s = parse_number<std::int64_t>("TOKEN_TTL_S", v, 60, 31536000);
         }},
        {"REDIS_URL",
         "redis://host[:port][/db]: fan events out across instances (empty: this one only)",
         [](config& c, const std::string& v) { c.redis_url = v; }},
        {"GULYASH_URL", "base URL of Gulyash (empty: sync off)",
         [](config& c, const std::string& v) { c.gulyash_url = v; }},
        {"GULYASH_API_KEY", "bearer key for Gulyash",
         [](config& c, const std::string& v) { c.gulyash_api_key = v; }},
        {"GULYASH_TIMEOUT_MS",
         "connect + response bound per delivery, 100-600000 ms (default 5000)",
         [](config& c, const std::string& v) {
             c.gulyash_timeout_ms =
                 parse_number<std::int64_t>("GULYASH_TIMEOUT_MS", v, 100, 600000);
         }},
        {"GULYASH_MAX_ATTEMPTS",
         "deliveries tried before a change waits for an admin, 1-100 (default 10)",
         [](config& c, const std::string& v) {
             c.gulyash_max_attempts = parse_number<int>("GULYASH_MAX_ATTEMPTS", v, 1, 100);
         }},
        {"ORDERS_PER_MINUTE", "orders one customer may place per minute, 1-10000 (default 10)",
         [](config& c, const std::string& v) {
             c.orders_per_minute = parse_number<std::uint32_t>("ORDERS_PER_MINUTE", v, 1, 10000);
         }},
        {"MAX_SOCKETS_PER_USER",
         "open sockets per user; a new one closes the oldest, 1-10000 (default 16)",
         [](config& c, const std::string& v) {
             c.max_sockets_per_user =
                 parse_number<std::uint32_t>("MAX_SOCKETS_PER_USER", v, 1, 10000);
         }},
        {"EVENT_RETENTION_S",
         "how long the event log keeps events for resuming clients, 1-31536000 s (default 86400)",
         [](config& c, const std::string& v) {
             c.event_retention_s = parse_number<std::int64_t>("EVENT_RETENTION_S", v, 1, 31536000);
         }},
        {"REPLAY_LIMIT",
         "most events one resume replays; more gets resync too-many, 1-100000 (default 1000)",
         [](config& c, const std::string& v) {
             c.replay_limit = parse_number<int>("REPLAY_LIMIT", v, 1, 100000);
         }},
        {"PENDING_ALERT_S",
         "alert staff about an order still pending after this, and again as often, 0-86400 s "
         "(default 180; 0: off)",
         [](config& c, const std::string& v) {
             c.pending_alert_s = parse_number<std::int64_t>("PENDING_ALERT_S", v, 0, 86400);
         }},
        {"LOGIN_FAILURES_PER_MIN",
         "failed staff logins per minute per login and per address, then 429, 1-10000 "
         "(default 10)",
         [](config& c, const std::string& v) {
             c.login_failures_per_min =
                 parse_number<std::uint32_t>("LOGIN_FAILURES_PER_MIN", v, 1, 10000);
         }},
        {"RATE_LIMIT_PER_S", "client messages per second per socket, 1-1000000 (default 100)",
         [](config& c, const std::string& v) {
             c.rate_limit_per_s = parse_number<std::uint32_t>("RATE_LIMIT_PER_S", v, 1, 1000000);
         }},
    };
    return all;
}

std::string flag_of(const char* env) {
    std::string flag = "--";
    for (const char* p = env; *p; ++p)
        flag += *p == '_' ? '-' : static_cast<char>(std::tolower(*p));
    return flag;
}

const setting* find_flag(const std::string& flag) {
    for (const auto& s : settings()) {
        if (flag_of(s.env) == flag) return &s;
    }
    return nullptr;
}

void validate(const config& c) {
    if (c.jwt_secret.empty())
        throw config_error("JWT_SECRET: required (set it or pass --jwt-secret)");
    if (auto why = weak_secret(c.jwt_secret)) throw config_error("JWT_SECRET: " + *why);
    static const char* levels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(levels), std::end(levels), c.log_level) == std::end(levels)) {
        throw config_error("LOG_LEVEL: expected trace, debug, info, warn, error or off, got '" +
                           c.log_level + "'");
    }
    if (c.log_format != "text" && c.log_format != "json") {
        throw config_error("LOG_FORMAT: expected text or json, got '" + c.log_format + "'");
    }
    if (c.host.empty()) throw config_error("HOST: must not be empty");
    if (!c.redis_url.empty() && c.redis_url.rfind("redis://", 0) != 0) {
        throw config_error("REDIS_URL: expected redis://[[user]:password@]host[:port][/db], got '" +
                           util::redact_url(c.redis_url) + "'");
    }
    if (!c.gulyash_url.empty() && c.gulyash_url.rfind("http://", 0) != 0 &&
        c.gulyash_url.rfind("https://", 0) != 0) {
        throw config_error("GULYASH_URL: expected http://... or https://..., got '" +
                           util::redact_url(c.gulyash_url) + "'");
    }
    const bool sqlite = c.database_url.rfind("sqlite://", 0) == 0 && c.database_url.size() > 9;
    const bool postgres = c.database_url.rfind("postgresql://", 0) == 0 ||
                          c.database_url.rfind("postgres://", 0) == 0;
    if (!sqlite && !postgres) {
        throw config_error("DATABASE_URL: expected sqlite://PATH or postgresql://..., got '" +
                           util::redact_url(c.database_url) + "'");
    }
    if (sqlite && (c.database_url.find(":memory:") != std::string::npos ||
                   c.database_url.find("mode=memory") != std::string::npos)) {
        throw config_error(
            "DATABASE_URL: an in-memory SQLite database would lose every order at exit; give "
            "a file path (sqlite://data/ordercast.db)");
    }
    for (const auto& origin : c.allowed_origins) {
        if (auto why = bad_origin(origin)) throw config_error("ALLOWED_ORIGINS: " + *why);
    }
}

}  // namespace

std::optional<std::string> weak_secret(std::string_view secret) {
    if (secret.size() < 32)
        return "must be at least 32 bytes, got " + std::to_string(secret.size());
    // A placeholder copied from an example file passes every other check, and then anyone
    // who read the example can mint admin tokens.
    std::string lower(secret);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (const char* placeholder : {"change-me", "changeme", "change_me", "replace-me",
                                    "your-secret", "example", "placeholder"}) {
        if (lower.find(placeholder) != std::string::npos) {
            return std::string("looks like a placeholder ('") + placeholder +
                   "'); generate one: openssl rand -hex 32";
        }
    }
    // Length alone lets "32 spaces" or "aaaa..." through: ask for some variety too.
    bool seen[256] = {};
    int distinct = 0;
    bool only_space = true;
    for (unsigned char c : secret) {
        if (!seen[c]) ++distinct;
        seen[c] = true;
        only_space = only_space && std::isspace(c);
    }
    if (only_space) return std::string("must not be only white space");
    if (distinct < 8) {
        return "has only " + std::to_string(distinct) +
               " distinct bytes; use at least 8 (e.g. openssl rand -hex 32)";
    }
    return std::nullopt;
}

config load(const std::vector<std::string>& args, const env_lookup& env) {
    config c;
    // The flags are read first so that a flag wins even over an environment value that
    // would not parse: only the value in force is checked.
    std::vector<std::pair<const setting*, std::string>> given;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::optional<std::string> value;
        if (auto eq = flag.find('='); eq != std::string::npos) {
            value = flag.substr(eq + 1);
            flag.resize(eq);
        }
        const setting* s = find_flag(flag);
        if (!s) throw config_error("unknown option '" + flag + "' (see --help)");
        if (!value) {
            if (i + 1 >= args.size()) throw config_error(flag + ": missing value");
            value = args[++i];
        }
        given.emplace_back(s, *value);
    }
    for (const auto& s : settings()) {
        const bool flagged =
            std::any_of(given.begin(), given.end(), [&](const auto& g) { return g.first == &s; });
        if (flagged) continue;
        if (auto v = env(s.env)) s.apply(c, *v);
    }
    for (const auto& [s, value] : given) s->apply(c, value);
    validate(c);
    return c;
}

std::optional<std::string> process_env(const std::string& name) {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
}

std::string usage() {
    std::string text;
    for (const auto& s : settings()) {
        std::string flag = flag_of(s.env);
        text += "  " + flag + std::string(flag.size() < 22 ? 22 - flag.size() : 1, ' ') + s.env +
                ": " + s.help + "\n";
    }
    return text;
}

}  // namespace ordercast::config
