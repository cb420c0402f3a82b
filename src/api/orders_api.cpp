// Orders and bonuses (docs/protocol.md §7): request parsing here, the rules in
// domain::order_service.
#include <boost/json.hpp>
#include <charconv>

#include "api/db_call.hpp"
#include "api/idempotency.hpp"
#include "api/json_body.hpp"
#include "api/orders_api.hpp"
#include "domain/order_json.hpp"
#include "domain/order_service.hpp"
#include "util/clock.hpp"
#include "util/decimal_id.hpp"
#include "util/form_fields.hpp"

namespace ordercast::api {
namespace json = boost::json;

orders_api::orders_api(const api_context& ctx)
    : ctx_(ctx), orders_(ctx.orders_per_minute, 60'000 /* a minute, in ms */) {}

void orders_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    routes.add(http::verb::post, "/api/orders", token,
               [this](const call& c, respond_fn r) { create_order(c.who, c.req, std::move(r)); });
    routes.add(http::verb::get, "/api/orders", token,
               [this](const call& c, respond_fn r) { list_orders(c.who, c.query, std::move(r)); });
    routes.add(http::verb::get, "/api/orders/{id}", token,
               [this](const call& c, respond_fn r) { get_order(c.who, c.ids[0], std::move(r)); });
    routes.add(http::verb::patch, "/api/orders/{id}/status", token,
               [this](const call& c, respond_fn r) {
                   change_status(c.who, c.ids[0], c.req, std::move(r));
               });
    routes.add(http::verb::get, "/api/bonuses", token,
               [this](const call& c, respond_fn r) { bonuses(c.who, std::move(r)); });
}

namespace {

constexpr int default_page = 50;
constexpr int max_page = 100;

domain::new_order parse_new_order(const request& req) {
    const json::value body = parse_json(req);
    const auto& o = as_object(body);
    domain::new_order order;
    order.city_id = require_id(o, "city_id");
    const auto* items = o.if_contains("items");
    if (!items || !items->is_array()) throw bad_request("bad-items", "'items' must be an array");
    if (items->as_array().size() > domain::max_items)
        throw bad_request("bad-items", "an order has 1 to 100 items");
    for (const auto& v : items->as_array()) {
        if (!v.is_object()) throw bad_request("bad-items", "every item must be an object");
        const auto& item = v.as_object();
        // Names and prices come from the menu: a request that names its own is refused, not
        // half-believed.
        if (item.contains("name") || item.contains("price") || !item.contains("menuItemId")) {
            throw bad_request("bad-items",
                              "items come from the menu: send {\"menuItemId\", \"quantity\"} "
                              "(GET /api/menu lists them); names and prices are the menu's");
        }
        auto id = util::json_id(item.at("menuItemId"));
        if (!id) throw bad_request("bad-items", "menuItemId is an integer from 1 to 2^53-1");
        const auto* quantity = item.if_contains("quantity");
        if (!quantity || !quantity->is_int64())
            throw bad_request("bad-items", "quantities are whole numbers");
        std::int64_t q = quantity->as_int64();
        if (q < 1 || q > domain::max_quantity)
            throw bad_request("bad-items", "quantities are 1 to 1000");
        order.items.push_back({*id, static_cast<std::int32_t>(q)});
    }
    if (const auto* used = o.if_contains("bonuses_used"); used && !used->is_null()) {
        auto amount = domain::parse_roubles(*used);
        if (!amount)
            throw bad_request(
                "bad-bonuses",
                "bonuses_used is a number of roubles, at least 0, two decimals at most");
        order.bonuses_used = *amount;
    }
    if (const auto* comment = o.if_contains("comment"); comment && !comment->is_null()) {
        if (!comment->is_string()) throw bad_request("bad-comment", "'comment' must be a string");
        order.comment = comment->as_string();
    }
    return order;
}

std::int64_t query_int(std::string_view name, std::string_view value, std::int64_t min,
                       std::int64_t max) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || end != value.data() + value.size() || v < min || v > max) {
        throw bad_request("bad-query", "'" + std::string(name) + "' must be a whole number from " +
                                           std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
}

domain::order_filter parse_filter(std::string_view query) {
    domain::order_filter f;
    f.limit = default_page;
    if (query.empty()) return f;
    auto fields = util::form_fields(query);
    if (!fields) throw bad_request("bad-query", "malformed query string");
    for (const auto& [key, value] : *fields) {
        if (key == "status") {
            auto status = domain::parse_status(value);
            if (!status) throw bad_request("bad-status", "unknown status '" + value + "'");
            f.status = status;
        } else if (key == "city_id") {
            f.city_id = query_int("city_id", value, 1, util::max_id);
        } else if (key == "limit") {
            f.limit = static_cast<int>(query_int("limit", value, 1, max_page));
        } else if (key == "before") {
            f.before_id = query_int("before", value, 1, util::max_id);
        }
    }
    return f;
}

}  // namespace

response orders_api::created_response(const domain::order& created) {
    // Its outbox record is committed: deliver it now, not at the next poll.
    if (ctx_.outbox_changed) ctx_.outbox_changed();
    return json_response(http::status::created, domain::to_json(created));
}

void orders_api::create_order(const auth::principal& who, const request& req, respond_fn respond) {
    domain::new_order order;
    std::optional<response> refused;
    auto key = idempotency_key(req, refused);
    if (refused) return respond(std::move(*refused));
    try {
        order = parse_new_order(req);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    // Every order is pushed to every admin and manager: one customer must not flood them.
    if (who.who == auth::role::user) {
        if (auto wait_s = orders_.take(std::to_string(who.user_id), util::unix_millis())) {
            return respond(too_many_requests(
                "too-many-orders",
                "at most " + std::to_string(ctx_.orders_per_minute) + " orders a minute", wait_s));
        }
    }
    std::optional<domain::idempotency_claim> claim;
    if (key) {
        claim = domain::idempotency_claim{*key, request_hash(req), util::unix_millis(),
                                          domain::idempotency_ttl_ms};
    }
    db_call(ctx_.db, std::move(respond),
            [this, who, order = std::move(order), claim](domain::repository& repo) {
                domain::order_service service(repo, ctx_.sink, ctx_.bonus_percent);
                if (claim) {
                    const auto since = claim->now_ms - claim->ttl_ms;
                    if (auto first = repo.remembered(who.user_id, claim->key, since))
                        return replay(*first, claim->request_hash);
                    try {
                        return created_response(service.create(who, order, &*claim));
                    } catch (const domain::idempotency_key_taken&) {
                        // A request with the same key committed while this one waited.
                        if (auto first = repo.remembered(who.user_id, claim->key, since))
                            return replay(*first, claim->request_hash);
                        throw domain::error(domain::error::kind::conflict, "idempotency-key-in-use",
                                            "a request with this Idempotency-Key is under way");
                    }
                }
                return created_response(service.create(who, order));
            });
}

void orders_api::list_orders(const auth::principal& who, std::string_view query,
                             respond_fn respond) {
    domain::order_filter filter;
    try {
        filter = parse_filter(query);
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    db_call(ctx_.db, std::move(respond), [this, who, filter](domain::repository& repo) {
        domain::order_service service(repo, ctx_.sink, ctx_.bonus_percent);
        // One more than asked: a cursor only when there really is a next page (a last page
        // that is exactly full says null, not a cursor to an empty page).
        auto probe = filter;
        probe.limit = filter.limit + 1;
        auto page = service.list(who, probe);
        const bool more = static_cast<int>(page.size()) > filter.limit;
        if (more) page.resize(static_cast<std::size_t>(filter.limit));
        json::array orders;
        for (const auto& o : page) orders.push_back(domain::to_json(o));
        json::value next = nullptr;
        if (more) next = page.back().id;
        return json_response(http::status::ok,
                             json::object{{"orders", std::move(orders)}, {"next_before", next}});
    });
}

void orders_api::get_order(const auth::principal& who, std::int64_t id, respond_fn respond) {
    db_call(ctx_.db, std::move(respond), [this, who, id](domain::repository& repo) {
        domain::order_service service(repo, ctx_.sink, ctx_.bonus_percent);
        return json_response(http::status::ok, domain::to_json(service.get(who, id)));
    });
}

void orders_api::change_status(const auth::principal& who, std::int64_t id, const request& req,
                               respond_fn respond) {
    domain::order_status to;
    try {
        const json::value body = parse_json(req);
        const auto& o = as_object(body);
        const auto* status = o.if_contains("status");
        if (!status || !status->is_string())
            throw bad_request("bad-request", "'status' must be a string");
        auto parsed = domain::parse_status(std::string_view(status->as_string()));
        if (!parsed)
            throw bad_request("bad-status",
                              "unknown status '" + std::string(status->as_string()) + "'");
        to = *parsed;
    } catch (const domain::error& e) {
        return respond(error_response(e));
    }
    db_call(ctx_.db, std::move(respond), [this, who, id, to](domain::repository& repo) {
        domain::order_service service(repo, ctx_.sink, ctx_.bonus_percent);
        auto changed = service.change_status(who, id, to);
        if (ctx_.outbox_changed) ctx_.outbox_changed();
        return json_response(http::status::ok, domain::to_json(changed));
    });
}

void orders_api::bonuses(const auth::principal& who, respond_fn respond) {
    db_call(ctx_.db, std::move(respond), [this, who](domain::repository& repo) {
        domain::order_service service(repo, ctx_.sink, ctx_.bonus_percent);
        auto [balance, operations] = service.bonuses(who);
        json::array ops;
        for (const auto& op : operations) ops.push_back(domain::to_json(op));
        return json_response(
            http::status::ok,
            json::object{{"balance", domain::to_roubles(balance)}, {"operations", std::move(ops)}});
    });
}

}  // namespace ordercast::api
