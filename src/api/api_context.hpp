#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "auth/jwt.hpp"
#include "broker/broker.hpp"
#include "eventlog/appender.hpp"
#include "eventlog/log_sink.hpp"
#include "metrics/registry.hpp"
#include "realtime/event.hpp"
#include "realtime/presence.hpp"
#include "storage/db_worker.hpp"
#include "util/worker.hpp"

namespace ordercast::api {

// What the route groups work with: the server's parts and settings.
struct api_context {
    const auth::jwt_verifier& verifier;
    broker::broker& events;
    realtime::delivery& local;
    metrics::registry& metrics;
    storage::db_worker& db;
    util::worker& hasher;          // password hashing, off the network and database threads
    eventlog::log_sink& sink;      // domain events: logged, then announced
    eventlog::appender& appender;  // published events: logged in group commits
    const realtime::cluster_presence& presence;  // staff online, across instances
    int bonus_percent = 5;
    std::string jwt_secret;
    std::int64_t token_ttl_s = 86400;
    std::string telegram_bot_token;             // empty: Telegram login is off
    std::uint32_t orders_per_minute = 10;       // per customer
    std::uint32_t login_failures_per_min = 10;  // per login and per client address
    // An order change was committed with an outbox record: deliver it soon.
    std::function<void()> outbox_changed;
    // Runs `f` after `delay` without holding a thread.
    std::function<void(std::chrono::milliseconds delay, std::function<void()> f)> defer;
};

}  // namespace ordercast::api
