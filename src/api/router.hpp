#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http_types.hpp"
#include "api/rate_window.hpp"
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

// Maps each HTTP request to its handler (docs/protocol.md §6–7); every error is JSON.
class router {
public:
    explicit router(api_context ctx);

    // `client` is the address the request came from (see client_address).
    void handle(const request& req, respond_fn respond, std::string_view client);

    // What a matched route hands its handler: the request, its query string, the ids and
    // words captured from the path, the caller when the route needs a token, and the
    // client's address.
    struct call {
        const request& req;
        std::string_view query;
        std::vector<std::int64_t> ids;
        std::vector<std::string_view> words;
        auth::principal who;
        std::string_view client;
    };

private:
    // The route table's entries (router.cpp), each unpacking `call` for a handler below.
    void route_health(const call& c, respond_fn respond);
    void route_ready(const call& c, respond_fn respond);
    void route_metrics(const call& c, respond_fn respond);
    void route_asset(const call& c, respond_fn respond);
    void route_publish(const call& c, respond_fn respond);
    void route_telegram_login(const call& c, respond_fn respond);
    void route_staff_login(const call& c, respond_fn respond);
    void route_me(const call& c, respond_fn respond);
    void route_list_staff(const call& c, respond_fn respond);
    void route_add_staff(const call& c, respond_fn respond);
    void route_remove_staff(const call& c, respond_fn respond);
    void route_create_order(const call& c, respond_fn respond);
    void route_list_orders(const call& c, respond_fn respond);
    void route_get_order(const call& c, respond_fn respond);
    void route_change_status(const call& c, respond_fn respond);
    void route_bonuses(const call& c, respond_fn respond);
    void route_list_cities(const call& c, respond_fn respond);
    void route_presence(const call& c, respond_fn respond);
    void route_list_menu(const call& c, respond_fn respond);
    void route_add_menu_item(const call& c, respond_fn respond);
    void route_change_menu_item(const call& c, respond_fn respond);
    void route_add_city(const call& c, respond_fn respond);
    void route_manager_cities(const call& c, respond_fn respond);
    void route_failed_syncs(const call& c, respond_fn respond);
    void route_retry_sync(const call& c, respond_fn respond);

    // The caller's principal, or the 401 to send.
    std::variant<auth::principal, response> authenticate(const request& req);
    void publish_event(const auth::principal& who, const request& req, respond_fn respond);
    void metrics(respond_fn respond);
    void ready(respond_fn respond);

    void create_order(const auth::principal& who, const request& req, respond_fn respond);
    void list_orders(const auth::principal& who, std::string_view query, respond_fn respond);
    void get_order(const auth::principal& who, std::int64_t id, respond_fn respond);
    void change_status(const auth::principal& who, std::int64_t id, const request& req,
                       respond_fn respond);
    void bonuses(const auth::principal& who, respond_fn respond);
    void list_cities(respond_fn respond);
    using handler_fn = void (router::*)(const call&, respond_fn);
    // Runs `handler` once the database confirms that `who` (of ordercast's own id range)
    // still names a user; 401 unknown-user otherwise.
    void handle_known(const request& req, handler_fn handler,
                      const std::vector<std::string_view>& pattern, auth::principal who,
                      std::string_view client, respond_fn respond);
    // The 201 for a new order (and a nudge to the outbox).
    response created_response(const domain::order& created);
    void list_menu(const auth::principal& who, std::string_view query, respond_fn respond);
    void add_menu_item(const auth::principal& who, const request& req, respond_fn respond);
    void change_menu_item(const auth::principal& who, std::int64_t id, const request& req,
                          respond_fn respond);
    void add_city(const auth::principal& who, const request& req, respond_fn respond);
    void set_manager_cities(const auth::principal& who, std::int64_t user_id, const request& req,
                            respond_fn respond);
    void telegram_login(const request& req, respond_fn respond);
    void failed_syncs(const auth::principal& who, respond_fn respond);
    void retry_sync(const auth::principal& who, std::string_view entity, std::int64_t id,
                    respond_fn respond);
    void staff_login(const request& req, std::string_view client, respond_fn respond);

    std::string issue_token(std::int64_t user_id, auth::role role) const;
    // A staff login attempt may start: 0, and it is counted against its login and address;
    // otherwise the seconds to wait.
    std::int64_t admit_login(const std::string& login, const std::string& address);
    // The attempt is over; unless it `failed` (a wrong password), it does not count.
    void end_login(const std::string& login, const std::string& address, bool failed);

    api_context ctx_;
    rate_window orders_;         // orders per customer
    rate_window login_pairs_;    // failed logins per (login, client address)
    rate_window login_clients_;  // failed logins per client address
    concurrency_gate checking_;  // password checks under way per (login, address) and address
};

// The bearer token of an `Authorization` header value, if it has one.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// `429 code` with `Retry-After: retry_after_s`.
response too_many_requests(std::string_view code, std::string_view message,
                           std::int64_t retry_after_s);

// Who sent a request: the peer's address, or, when the peer is on this machine (a local
// proxy such as deploy/nginx.conf), the last address its X-Forwarded-For names.
std::string client_address(const request& req, std::string_view peer, bool peer_is_loopback);

}  // namespace ordercast::api
