#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <optional>
#include <string>

namespace ordercast::broker {

struct redis_endpoint {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string username;  // with a password: AUTH username password (Redis 6 ACLs)
    std::string password;  // non-empty: AUTH on every connect
};

// `redis://[[username]:password@]host[:port][/db]` (user-info percent-decoded); nothing
// for anything else.
std::optional<redis_endpoint> parse_redis_url(const std::string& url);

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

// A connection with deadlines, keepalives, AUTH and SELECT done; nothing when any fails.
context_ptr connect(const redis_endpoint& e);

}  // namespace ordercast::broker
