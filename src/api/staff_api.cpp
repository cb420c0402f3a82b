// Staff accounts over HTTP (docs/protocol.md §7): the rules of `ordercast user` (domain/
// staff_service), with the password hashed on the hashing thread, never a network or
// database thread.
#include <boost/json.hpp>

#include "api/db_call.hpp"
#include "api/json_body.hpp"
#include "api/menu_json.hpp"
#include "api/staff_api.hpp"
#include "auth/password.hpp"
#include "domain/staff_service.hpp"

namespace ordercast::api {

staff_api::staff_api(const api_context& ctx) : ctx_(ctx) {}

void staff_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    routes.add(http::verb::get, "/api/staff", token,
               [this](const call& c, respond_fn r) { route_list_staff(c, std::move(r)); });
    routes.add(http::verb::post, "/api/staff", token,
               [this](const call& c, respond_fn r) { route_add_staff(c, std::move(r)); });
    routes.add(http::verb::delete_, "/api/staff/{id}", token,
               [this](const call& c, respond_fn r) { route_remove_staff(c, std::move(r)); });
}
namespace {

namespace json = boost::json;

json::object staff_json(const domain::staff_account& a) {
    json::array cities;
    for (auto id : a.cities) cities.push_back(id);
    return {{"id", a.id}, {"login", a.login}, {"role", a.role}, {"cityIds", std::move(cities)}};
}

}  // namespace

void staff_api::route_list_staff(const call& c, respond_fn respond) {
    if (!c.who.is_staff_admin())
        return respond(forbidden_response("only admin and ceo manage staff"));
    db_call(ctx_.db, std::move(respond), [](domain::repository& repo) {
        json::array staff;
        for (const auto& a : repo.list_staff()) staff.push_back(staff_json(a));
        return json_response(http::status::ok, json::object{{"staff", std::move(staff)}});
    });
}

void staff_api::route_add_staff(const call& c, respond_fn respond) {
    domain::new_staff account;
    try {
        const auto body = parse_json(c.req);
        const auto& o = as_object(body);
        account.login = require_string(o, "login", 200);
        account.password = require_string(o, "password", 1024);
        account.role = require_string(o, "role", 16);
        if (const auto* cities = o.if_contains("cityIds"); cities && !cities->is_null())
            account.cities = parse_cities(*cities);
        domain::require_may_manage(c.who, account.role);
        domain::check_new_staff(account, false);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    auto hashed = [this, account, respond]() {
        const auto hash = auth::hash_password(account.password);
        db_call(ctx_.db, respond, [account, hash](domain::repository& repo) {
            return json_response(http::status::created,
                                 staff_json(domain::add_staff(repo, account, hash)));
        });
    };
    if (!ctx_.hasher.try_post(std::move(hashed), 8)) {
        respond(error_response(http::status::service_unavailable, "busy",
                               "too many password hashes at once; try again in a moment"));
    }
}

void staff_api::route_remove_staff(const call& c, respond_fn respond) {
    db_call(ctx_.db, std::move(respond), [who = c.who, id = c.ids.at(0)](domain::repository& repo) {
        if (!who.is_staff_admin())
            throw domain::error(domain::error::kind::forbidden, "forbidden",
                                "only admin and ceo manage staff");
        const auto account = domain::find_staff_by_id(repo, id);
        if (!account)
            throw domain::error(domain::error::kind::not_found, "not-found",
                                "no such staff account");
        domain::require_may_manage(who, account->role);
        repo.remove_staff(account->login);
        response res{http::status::no_content, 11};
        res.prepare_payload();
        return res;
    });
}

}  // namespace ordercast::api
