// Cities and managers' cities (docs/protocol.md §7).
#include <boost/json.hpp>

#include "api/catalog_api.hpp"
#include "api/db_call.hpp"
#include "api/json_body.hpp"
#include "domain/order_json.hpp"
#include "domain/order_service.hpp"
#include "util/clock.hpp"
#include "util/decimal_id.hpp"
#include "util/text_key.hpp"

namespace ordercast::api {
namespace json = boost::json;

catalog_api::catalog_api(const api_context& ctx) : ctx_(ctx) {}

void catalog_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    routes.add(http::verb::get, "/api/cities", token,
               [this](const call&, respond_fn r) { list_cities(std::move(r)); });
    routes.add(http::verb::post, "/api/cities", token,
               [this](const call& c, respond_fn r) { add_city(c.who, c.req, std::move(r)); });
    routes.add(http::verb::get, "/api/presence", token,
               [this](const call& c, respond_fn r) { route_presence(c, std::move(r)); });
    routes.add(http::verb::put, "/api/managers/{id}/cities", token,
               [this](const call& c, respond_fn r) {
                   set_manager_cities(c.who, c.ids[0], c.req, std::move(r));
               });
}

void catalog_api::list_cities(respond_fn respond) {
    db_call(ctx_.db, std::move(respond), [](domain::repository& repo) {
        json::array cities;
        for (const auto& c : repo.list_cities()) cities.push_back(domain::to_json(c));
        return json_response(http::status::ok, json::object{{"cities", std::move(cities)}});
    });
}

void catalog_api::route_presence(const call& c, respond_fn respond) {
    const auto who = c.who;
    if (!who.is_staff_admin() && who.who != auth::role::manager)
        return respond(forbidden_response("presence is for admins, the CEO and managers"));
    db_call(ctx_.db, std::move(respond), [this, who](domain::repository& repo) {
        // Admins see every city (0 where nobody is online); managers their own cities.
        std::vector<std::int64_t> cities;
        if (who.is_staff_admin()) {
            for (const auto& city : repo.list_cities()) cities.push_back(city.id);
        } else {
            cities = domain::order_service(repo, ctx_.sink, ctx_.bonus_percent).cities_of(who);
        }
        // A manager sees her cities only: their managers, and the admins and CEO (who
        // oversee every city); never how many managers the rest of the service has.
        const auto online =
            ctx_.presence.counts(util::unix_millis(), who.is_staff_admin() ? nullptr : &cities);
        json::array by_city;
        for (auto city : cities) {
            auto it = online.managers_by_city.find(city);
            by_city.push_back(json::object{
                {"cityId", city},
                {"managersOnline", it == online.managers_by_city.end() ? 0 : it->second}});
        }
        return json_response(
            http::status::ok,
            json::object{{"cities", std::move(by_city)},
                         {"staffOnline", json::object{{"admin", online.admin},
                                                      {"ceo", online.ceo},
                                                      {"manager", online.manager}}}});
    });
}

void catalog_api::add_city(const auth::principal& who, const request& req, respond_fn respond) {
    if (!who.is_staff_admin()) return respond(forbidden_response("only admin and ceo may do this"));
    std::string name;
    try {
        name = util::tidy_name(require_string(as_object(parse_json(req)), "name", 200));
        if (name.empty()) throw bad_request("bad-request", "'name' must not be blank");
        if (auto why = util::hidden_characters(name)) throw bad_request("bad-name", *why);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    db_call(ctx_.db, std::move(respond), [name](domain::repository& repo) {
        auto city = repo.add_city(name);
        if (!city)
            throw domain::error(domain::error::kind::conflict, "city-exists",
                                "a city with this name exists (names differ by more than case)");
        return json_response(http::status::created, domain::to_json(*city));
    });
}

void catalog_api::set_manager_cities(const auth::principal& who, std::int64_t user_id,
                                     const request& req, respond_fn respond) {
    if (!who.is_staff_admin()) return respond(forbidden_response("only admin and ceo may do this"));
    std::vector<std::int64_t> cities;
    try {
        const json::value body = parse_json(req);
        if (!body.is_array() || body.as_array().size() > 256) {
            throw bad_request("bad-request", "body must be an array of at most 256 city ids");
        }
        for (const auto& v : body.as_array()) {
            auto id = util::json_id(v);
            if (!id) throw bad_request("bad-request", "city ids are integers from 1 to 2^53-1");
            if (std::find(cities.begin(), cities.end(), *id) == cities.end()) cities.push_back(*id);
        }
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    db_call(ctx_.db, std::move(respond), [this, user_id, cities](domain::repository& repo) {
        // Only managers this server holds have cities here; the existing backend's managers
        // keep the cityIds of their tokens.
        const auto known = repo.account(user_id);
        if (!known) {
            throw domain::error(domain::error::kind::not_found, "not-found",
                                "no user " + std::to_string(user_id) +
                                    "; add managers with `ordercast user add --role manager`");
        }
        if (known->role != "manager") {
            throw domain::error(domain::error::kind::conflict, "not-a-manager",
                                "user " + std::to_string(user_id) + " is a " + known->role);
        }
        domain::require_cities(repo, cities);
        repo.set_manager_cities(user_id, cities);
        // Every instance's sockets of this manager move now, not at their next connect.
        ctx_.events.reassign_manager_cities(user_id, cities);
        json::array ids;
        for (auto c : cities) ids.push_back(c);
        return json_response(http::status::ok,
                             json::object{{"userId", user_id}, {"cityIds", std::move(ids)}});
    });
}

}  // namespace ordercast::api
