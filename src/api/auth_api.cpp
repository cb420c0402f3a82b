// Logins that issue tokens: Telegram Mini App initData and staff passwords (docs/protocol.md §7).
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "api/auth_api.hpp"
#include "api/db_call.hpp"
#include "api/json_body.hpp"
#include "auth/password.hpp"
#include "auth/telegram_init_data.hpp"
#include "domain/order_service.hpp"
#include "domain/staff_service.hpp"
#include "util/clock.hpp"
#include "util/log_fields.hpp"
#include "util/text_key.hpp"

namespace ordercast::api {
namespace json = boost::json;

// Failed logins are counted per minute; a login or an address may have two password checks
// under way at once.
auth_api::auth_api(const api_context& ctx)
    : ctx_(ctx),
      login_pairs_(ctx.login_failures_per_min, 60'000),
      login_clients_(ctx.login_failures_per_min, 60'000),
      checking_(2) {}

void auth_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    constexpr auto open = route_table::access::open;
    routes.add(http::verb::post, "/api/auth/telegram", open,
               [this](const call& c, respond_fn r) { telegram_login(c.req, std::move(r)); });
    routes.add(http::verb::post, "/api/auth/login", open,
               [this](const call& c, respond_fn r) { staff_login(c.req, c.client, std::move(r)); });
    routes.add(http::verb::get, "/api/me", token,
               [this](const call& c, respond_fn r) { route_me(c, std::move(r)); });
}

namespace {

// Wrong password and unknown login both answer after this long, on top of the hash.
constexpr std::chrono::milliseconds failed_login_delay{400};
// Password checks waiting for the hashing thread; past this a login is refused at once
// (503) rather than queued behind a flood.
constexpr std::size_t max_queued_hashes = 8;

json::array to_array(const std::vector<std::int64_t>& ids) {
    json::array a;
    for (auto id : ids) a.push_back(id);
    return a;
}

}  // namespace

std::string auth_api::issue_token(std::int64_t user_id, auth::role role) const {
    auth::principal p;
    p.user_id = user_id;
    p.who = role;
    const auto now = util::unix_seconds();
    p.expires_at = now + ctx_.token_ttl_s;
    return auth::sign_hs256(p, ctx_.jwt_secret, now);
}

void auth_api::telegram_login(const request& req, respond_fn respond) {
    if (ctx_.telegram_bot_token.empty()) {
        return respond(error_response(http::status::service_unavailable, "telegram-disabled",
                                      "Telegram login is not configured (TELEGRAM_BOT_TOKEN)"));
    }
    std::string init_data;
    try {
        init_data = require_string(as_object(parse_json(req)), "initData", 8192);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    auto checked =
        auth::validate_init_data(init_data, ctx_.telegram_bot_token, util::unix_seconds());
    if (auto* bad = std::get_if<auth::init_data_error>(&checked)) {
        ctx_.metrics.count_auth_failure(auth::token_error::bad_signature);
        return respond(
            error_response(http::status::unauthorized, "invalid-init-data",
                           "initData is not valid: " + std::string(auth::to_string(*bad))));
    }
    auto tg = std::get<auth::telegram_user>(checked);
    db_call(ctx_.db, std::move(respond), [this, tg](domain::repository& repo) {
        auto user = repo.upsert_telegram_user(tg.id, tg.first_name, tg.username);
        json::object body{{"token", issue_token(user.id, auth::role::user)},
                          {"user", json::object{{"id", user.id},
                                                {"role", "user"},
                                                {"telegram_id", tg.id},
                                                {"first_name", user.first_name},
                                                {"username", user.username}}}};
        return json_response(http::status::ok, body);
    });
}

namespace {

// One login tried from one address.
std::string pair_of(const std::string& login, const std::string& address) {
    return login + '\x1f' + address;
}

}  // namespace

std::int64_t auth_api::admit_login(const std::string& login, const std::string& address) {
    // Every attempt counts against its address and its (login, address) pair until it
    // succeeds, and each may have only a couple of checks under way: a guesser gets 429 long
    // before the hashing thread notices it. Never per login alone: a correct password from an
    // address that has not been failing is never refused because someone else guessed wrong.
    const auto now = util::unix_millis();
    const auto pair = pair_of(login, address);
    if (auto wait_s = login_pairs_.take(pair, now)) return wait_s;
    if (auto wait_s = login_clients_.take(address, now)) {
        login_pairs_.give_back(pair);
        return wait_s;
    }
    if (!checking_.enter(pair)) {
        end_login(login, address, false);
        return 1;
    }
    if (!checking_.enter(address)) {
        checking_.leave(pair);
        end_login(login, address, false);
        return 1;
    }
    return 0;
}

void auth_api::end_login(const std::string& login, const std::string& address, bool failed) {
    if (failed) return;
    login_pairs_.give_back(pair_of(login, address));
    login_clients_.give_back(address);
}

void auth_api::staff_login(const request& req, std::string_view client, respond_fn respond) {
    std::string login, password;
    try {
        const auto body = parse_json(req);
        const auto& o = as_object(body);
        login = util::text_key(require_string(o, "login", 200));
        password = require_string(o, "password", 1024);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    const std::string address(client);
    if (auto wait_s = admit_login(login, address)) {
        ctx_.metrics.count_auth_failure(auth::token_error::bad_signature);
        return respond(too_many_requests("too-many-attempts",
                                         "too many login attempts; try again later", wait_s));
    }
    // Ends the attempt once: the password check is over (or never ran).
    auto finish = [this, login, address](bool failed) {
        checking_.leave(pair_of(login, address));
        checking_.leave(address);
        end_login(login, address, failed);
    };
    // Look the account up on the database thread, check the password on the hashing
    // thread, answer from there: neither network nor database thread waits for Argon2.
    storage::run_on_db(
        ctx_.db, [login](domain::repository& repo) { return repo.find_staff(login); },
        [this, login, password, respond, finish,
         address](storage::db_outcome<std::optional<domain::staff_account>> found) {
            if (!found.ok()) {
                finish(false);
                return respond(failure_response(found));
            }
            auto check = [this, account = std::move(*found.value), password, respond, finish, login,
                          address] {
                const bool ok = auth::verify_password(
                    password, account ? account->password_hash : auth::decoy_hash());
                auto role = account ? auth::parse_role(account->role) : std::nullopt;
                const bool failed = !ok || !account || !role;
                finish(failed);
                if (failed) {
                    ctx_.metrics.count_auth_failure(auth::token_error::bad_signature);
                    // Who and from where, never what was tried.
                    spdlog::info("login refused: login={} address={}", util::quoted(login),
                                 address);
                    return ctx_.defer(failed_login_delay, [respond] {
                        respond(api::error_response(http::status::unauthorized,
                                                    "invalid-credentials",
                                                    "wrong login or password"));
                    });
                }
                json::object user{{"id", account->id},
                                  {"role", account->role},
                                  {"cityIds", to_array(account->cities)}};
                // The token names no cities: the database decides a manager's cities.
                respond(json_response(http::status::ok,
                                      json::object{{"token", issue_token(account->id, *role)},
                                                   {"user", std::move(user)}}));
            };
            if (!ctx_.hasher.try_post(std::move(check), max_queued_hashes)) {
                finish(false);
                respond(api::error_response(http::status::service_unavailable, "busy",
                                            "too many logins at once; try again in a moment"));
            }
        });
}

void auth_api::route_me(const call& c, respond_fn respond) {
    db_call(ctx_.db, std::move(respond), [this, who = c.who](domain::repository& repo) {
        // A manager's cities as the server judges them (the database's for a manager it
        // holds, the token's otherwise); the login of an account the server holds.
        const auto cities =
            domain::order_service(repo, ctx_.sink, ctx_.bonus_percent).cities_of(who);
        json::object me{{"userId", who.user_id},
                        {"role", auth::to_string(who.who)},
                        {"cityIds", to_array(cities)}};
        if (auto account = domain::find_staff_by_id(repo, who.user_id))
            me["login"] = account->login;
        return json_response(http::status::ok, me);
    });
}

}  // namespace ordercast::api
