#include "domain/order_service.hpp"

#include <algorithm>
#include <iterator>

#include "domain/order_json.hpp"
#include "domain/user_ids.hpp"
#include "util/json_text.hpp"

namespace ordercast::domain {
using auth::role;

namespace {

void require(bool ok, error::kind k, const char* code, const std::string& message) {
    if (!ok) throw error(k, code, message);
}

// The order as the 201 body and the Gulyash payload carry it (docs/protocol.md §3.1, §8).
std::string document_of(const order& stored) {
    return util::to_json_text(to_json(stored));
}

// A token issued before its account's tokens were ended (a password change) is void.
bool revoked(const auth::principal& who, const account_state& account) {
    return who.issued_at < account.tokens_after;
}

}  // namespace

std::optional<auth::principal> resolve_principal(repository& repo, auth::principal who) {
    const auto known = repo.account(who.user_id);
    if (is_own_user_id(who.user_id) && (!known || revoked(who, *known))) return std::nullopt;
    if (who.who == role::manager && known && known->role == "manager")
        who.city_ids = repo.manager_cities(who.user_id);
    return who;
}

void require_known(repository& repo, const auth::principal& who) {
    if (!is_own_user_id(who.user_id)) return;
    const auto known = repo.account(who.user_id);
    require(known.has_value(), error::kind::unauthorized, "unknown-user",
            "the token names no user of this server; log in again");
    require(!revoked(who, *known), error::kind::unauthorized, "token-revoked",
            "this token was issued before the account's password changed; log in again");
}

void require_cities(repository& repo, const std::vector<std::int64_t>& cities) {
    for (auto city : cities) {
        require(repo.city_exists(city), error::kind::unprocessable, "unknown-city",
                "no city " + std::to_string(city));
    }
}

std::vector<std::int64_t> order_service::cities_of(const auth::principal& who) {
    if (who.who != role::manager) return {};
    const auto known = repo_.account(who.user_id);
    if (known && known->role == "manager") return repo_.manager_cities(who.user_id);
    return who.city_ids;
}

bool order_service::can_see(const auth::principal& who, const order& o) {
    if (who.is_staff_admin()) return true;
    if (who.who == role::manager) {
        auto cities = cities_of(who);
        if (std::find(cities.begin(), cities.end(), o.city_id) != cities.end()) return true;
    }
    return o.user_id == who.user_id;
}

order order_service::create(const auth::principal& who, const new_order& request,
                            const idempotency_claim* claim) {
    // Staff placing orders could walk them to `completed` and mint themselves bonuses.
    require(who.who == role::user, error::kind::forbidden, "forbidden",
            "only customers place orders");
    require_known(who);
    require(!request.items.empty() && request.items.size() <= max_items, error::kind::bad_request,
            "bad-items", "an order has 1 to 100 items");
    require(request.comment.size() <= max_comment, error::kind::bad_request, "bad-comment",
            "comment is at most 2000 bytes");
    for (const auto& line : request.items) {
        require(line.quantity >= 1 && line.quantity <= max_quantity, error::kind::bad_request,
                "bad-items", "quantities are 1 to 1000");
    }
    require(request.bonuses_used >= 0 && request.bonuses_used <= max_amount,
            error::kind::bad_request, "bad-bonuses", "bonuses_used is 0 to 10,000,000 roubles");
    if (!is_own_user_id(who.user_id)) repo_.ensure_user(who.user_id, auth::to_string(who.who));
    require(repo_.city_exists(request.city_id), error::kind::unprocessable, "unknown-city",
            "no such city");

    order o;
    o.user_id = who.user_id;
    o.city_id = request.city_id;
    for (const auto& line : request.items)
        o.items.push_back({line.menu_item_id, {}, 0, line.quantity});
    o.comment = request.comment;
    o.bonuses_used = request.bonuses_used;
    auto stored = repo_.create_order(
        std::move(o),
        [this](order& priced, const std::vector<menu_item>& menu) { price(priced, menu); },
        [this](const order& placed, std::optional<kopecks> balance) {
            std::vector<domain_event> happened{order_created{placed}};
            if (placed.bonuses_used > 0)
                happened.push_back(bonus_changed{placed.user_id, balance.value_or(0), "used",
                                                 placed.bonuses_used, placed.id});
            return log_entries(happened);
        },
        claim, document_of);
    require(stored.has_value(), error::kind::unprocessable, "insufficient-bonuses",
            "bonuses_used is more than the bonus balance");
    events_.committed(std::move(stored->events));
    return stored->placed;
}

void order_service::price(order& o, const std::vector<menu_item>& menu) const {
    kopecks subtotal = 0;
    for (auto& line : o.items) {
        auto it = std::find_if(menu.begin(), menu.end(),
                               [&](const menu_item& m) { return m.id == line.menu_item_id; });
        const std::string which = "menu item " + std::to_string(line.menu_item_id);
        require(it != menu.end(), error::kind::unprocessable, "unknown-item",
                which + " does not exist");
        // Unnamed: customers (the only ones who order) never see hidden items' names.
        require(it->available, error::kind::unprocessable, "unknown-item",
                which + " is not available");
        require(it->sold_in(o.city_id), error::kind::unprocessable, "unknown-item",
                which + " ('" + it->name + "') is not sold in city " + std::to_string(o.city_id));
        line.name = it->name;
        line.price = it->price;
        subtotal += it->price * line.quantity;
    }
    require(o.bonuses_used <= subtotal, error::kind::unprocessable, "bonuses-exceed-subtotal",
            "bonuses_used is more than the order's subtotal");
    o.subtotal = subtotal;
    o.total = subtotal - o.bonuses_used;
    o.bonuses_earned = percent_of(o.total, bonus_percent_);
}

order order_service::change_status(const auth::principal& who, std::int64_t order_id,
                                   order_status to) {
    require_known(who);
    auto current = repo_.find_order(order_id);
    require(current && can_see(who, *current), error::kind::not_found, "not-found",
            "no such order");
    const auto cities = cities_of(who);
    const bool manages = std::find(cities.begin(), cities.end(), current->city_id) != cities.end();
    // Nobody moves an order they placed themselves, whatever their role: owners may only
    // cancel what nobody has confirmed yet.
    if (current->user_id == who.user_id || (!who.is_staff_admin() && !manages)) {
        require(to == order_status::cancelled && current->status == order_status::pending,
                error::kind::forbidden, "forbidden", "customers may only cancel a pending order");
    }
    require(can_transition(current->status, to), error::kind::conflict, "invalid-transition",
            "cannot go from " + std::string(to_string(current->status)) + " to " +
                std::string(to_string(to)));

    bonus_effect effect;
    if (to == order_status::completed && current->bonuses_earned > 0)
        effect = {"earned", current->bonuses_earned};
    if (to == order_status::cancelled && current->bonuses_used > 0)
        effect = {"refunded", current->bonuses_used};
    const order_status from = current->status;
    auto changed = repo_.change_status(
        order_id, from, to, effect,
        [this, from, &effect](const order& updated, std::optional<kopecks> balance) {
            std::vector<domain_event> happened{order_status_changed{updated, from}};
            if (balance)
                happened.push_back(bonus_changed{updated.user_id, *balance, effect.type,
                                                 effect.amount, updated.id});
            return log_entries(happened);
        },
        document_of);
    require(changed.has_value(), error::kind::conflict, "status-changed",
            "the order's status changed meanwhile; reload it");
    events_.committed(std::move(changed->events));
    return changed->updated;
}

std::vector<logged_event> order_service::log_entries(const std::vector<domain_event>& happened) {
    std::vector<logged_event> out;
    for (const auto& e : happened) {
        auto entries = events_.entries(e);
        out.insert(out.end(), std::make_move_iterator(entries.begin()),
                   std::make_move_iterator(entries.end()));
    }
    return out;
}

order order_service::get(const auth::principal& who, std::int64_t order_id) {
    require_known(who);
    auto o = repo_.find_order(order_id);
    require(o && can_see(who, *o), error::kind::not_found, "not-found", "no such order");
    return *o;
}

std::vector<order> order_service::list(const auth::principal& who, order_filter filter) {
    require_known(who);
    if (who.is_staff_admin()) {
        // everything
    } else if (who.who == role::manager) {
        filter.cities = cities_of(who);
    } else {
        filter.user_id = who.user_id;
    }
    return repo_.list_orders(filter);
}

std::pair<kopecks, std::vector<bonus_operation>> order_service::bonuses(
    const auth::principal& who) {
    require_known(who);
    if (!is_own_user_id(who.user_id)) repo_.ensure_user(who.user_id, auth::to_string(who.who));
    return repo_.bonuses(who.user_id, 100);
}

}  // namespace ordercast::domain
