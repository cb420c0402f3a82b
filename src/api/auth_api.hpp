#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/rate_window.hpp"
#include "api/route_table.hpp"
#include "auth/principal.hpp"

namespace ordercast::api {

// Logins that issue tokens (Telegram Mini App initData, staff passwords) and who-am-I
// (docs/protocol.md §7).
class auth_api {
public:
    explicit auth_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void telegram_login(const request& req, respond_fn respond);
    void staff_login(const request& req, std::string_view client, respond_fn respond);
    void route_me(const call& c, respond_fn respond);
    std::string issue_token(std::int64_t user_id, auth::role role) const;
    // A staff login attempt may start: 0, and it is counted against its login and address;
    // otherwise the seconds to wait.
    std::int64_t admit_login(const std::string& login, const std::string& address);
    // The attempt is over; unless it `failed` (a wrong password), it does not count.
    void end_login(const std::string& login, const std::string& address, bool failed);

    const api_context& ctx_;
    rate_window login_pairs_;    // failed logins per (login, client address)
    rate_window login_clients_;  // failed logins per client address
    concurrency_gate checking_;  // password checks under way per (login, address) and address
};

}  // namespace ordercast::api
