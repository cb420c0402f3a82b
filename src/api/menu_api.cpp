// The menu (docs/protocol.md §7): request parsing here, the rules in domain::menu_service.
#include <boost/json.hpp>

#include "api/db_call.hpp"
#include "api/json_body.hpp"
#include "api/menu_api.hpp"
#include "api/menu_json.hpp"
#include "domain/menu_service.hpp"
#include "domain/order_json.hpp"
#include "util/decimal_id.hpp"
#include "util/form_fields.hpp"

namespace ordercast::api {
namespace json = boost::json;

menu_api::menu_api(const api_context& ctx) : ctx_(ctx) {}

void menu_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    routes.add(http::verb::get, "/api/menu", token,
               [this](const call& c, respond_fn r) { list_menu(c.who, c.query, std::move(r)); });
    routes.add(http::verb::post, "/api/menu", token,
               [this](const call& c, respond_fn r) { add_menu_item(c.who, c.req, std::move(r)); });
    routes.add(http::verb::patch, "/api/menu/{id}", token, [this](const call& c, respond_fn r) {
        change_menu_item(c.who, c.ids[0], c.req, std::move(r));
    });
}

namespace {

json::value items_json(const std::vector<domain::menu_item>& items) {
    json::array out;
    for (const auto& m : items) out.push_back(domain::to_json(m));
    return json::object{{"items", std::move(out)}};
}

}  // namespace

void menu_api::list_menu(const auth::principal& who, std::string_view query, respond_fn respond) {
    std::optional<std::int64_t> city_id;
    if (!query.empty()) {
        auto fields = util::form_fields(query);
        if (!fields) return respond(error_response(bad_request("bad-query", "malformed query")));
        for (const auto& [key, value] : *fields) {
            if (key != "city_id") continue;
            city_id = util::parse_decimal_id(value);
            if (!city_id)
                return respond(error_response(
                    bad_request("bad-query", "'city_id' is an integer from 1 to 2^53-1")));
        }
    }
    db_call(ctx_.db, std::move(respond), [who, city_id](domain::repository& repo) {
        return json_response(http::status::ok,
                             items_json(domain::menu_service(repo).list(who, city_id)));
    });
}

void menu_api::add_menu_item(const auth::principal& who, const request& req, respond_fn respond) {
    if (!who.is_staff_admin()) return respond(forbidden_response("only admin and ceo may do this"));
    domain::menu_item item;
    try {
        const json::value body = parse_json(req);
        as_object(body);
        item = menu_item_from_json(body);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    db_call(ctx_.db, std::move(respond), [who, item](domain::repository& repo) {
        return json_response(http::status::created,
                             domain::to_json(domain::menu_service(repo).add(who, item)));
    });
}

void menu_api::change_menu_item(const auth::principal& who, std::int64_t id, const request& req,
                                respond_fn respond) {
    if (!who.is_staff_admin()) return respond(forbidden_response("only admin and ceo may do this"));
    domain::menu_patch patch;
    try {
        const json::value body = parse_json(req);
        const auto& o = as_object(body);
        if (const auto* v = o.if_contains("name")) patch.name = parse_name(*v);
        if (const auto* v = o.if_contains("price")) patch.price = parse_price(*v);
        if (const auto* v = o.if_contains("cityIds")) patch.cities = parse_cities(*v);
        if (const auto* v = o.if_contains("available")) {
            if (!v->is_bool()) throw bad_request("bad-available", "'available' is true or false");
            patch.available = v->as_bool();
        }
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    db_call(ctx_.db, std::move(respond), [who, id, patch](domain::repository& repo) {
        return json_response(http::status::ok,
                             domain::to_json(domain::menu_service(repo).change(who, id, patch)));
    });
}

}  // namespace ordercast::api
