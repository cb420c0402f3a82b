// Reaching Redis: the URL, and a connection ready for commands.
#include "broker/redis_connection.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "util/form_fields.hpp"

namespace ordercast::broker {

std::optional<redis_endpoint> parse_redis_url(const std::string& url) {
    const std::string scheme = "redis://";
    if (url.rfind(scheme, 0) != 0) return std::nullopt;
    std::string rest = url.substr(scheme.size());
    redis_endpoint e;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        std::string db = rest.substr(slash + 1);
        rest.resize(slash);
        if (!db.empty()) {
            auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
            if (ec != std::errc{} || end != db.data() + db.size() || e.db < 0 || e.db > 15)
                return std::nullopt;
        }
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        const std::string userinfo = rest.substr(0, at);
        rest.erase(0, at + 1);
        const auto colon = userinfo.find(':');
        if (colon == std::string::npos) return std::nullopt;  // a password is what AUTH needs
        auto user = util::percent_decode(std::string_view(userinfo).substr(0, colon));
        auto password = util::percent_decode(std::string_view(userinfo).substr(colon + 1));
        if (!user || !password || password->empty()) return std::nullopt;
        e.username = std::move(*user);
        e.password = std::move(*password);
    }
    if (auto colon = rest.rfind(':'); colon != std::string::npos) {
        std::string port = rest.substr(colon + 1);
        rest.resize(colon);
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
        if (ec != std::errc{} || end != port.data() + port.size() || e.port < 1 || e.port > 65535)
            return std::nullopt;
    }
    if (rest.empty()) return std::nullopt;
    e.host = rest;
    return e;
}

context_ptr connect(const redis_endpoint& e) {
    timeval timeout{2, 0};
    context_ptr c(redisConnectWithTimeout(e.host.c_str(), e.port, timeout));
    if (!c || c->err) return nullptr;
    // Every command answers within this, or the connection is given up (and retried).
    const timeval command_timeout{5, 0};
    redisSetTimeout(c.get(), command_timeout);
    redisEnableKeepAlive(c.get());
    if (!e.password.empty()) {
        reply_ptr r(static_cast<redisReply*>(
            e.username.empty()
                ? redisCommand(c.get(), "AUTH %b", e.password.data(), e.password.size())
                : redisCommand(c.get(), "AUTH %b %b", e.username.data(), e.username.size(),
                               e.password.data(), e.password.size())));
        if (!r || r->type == REDIS_REPLY_ERROR) {
            // Redis's own words name no secret ("WRONGPASS invalid username-password pair").
            spdlog::warn("redis: AUTH refused: {}", r ? std::string(r->str, r->len) : c->errstr);
            return nullptr;
        }
    }
    if (e.db != 0) {
        reply_ptr r(static_cast<redisReply*>(redisCommand(c.get(), "SELECT %d", e.db)));
        if (!r || r->type == REDIS_REPLY_ERROR) return nullptr;
    }
    return c;
}

}  // namespace ordercast::broker
