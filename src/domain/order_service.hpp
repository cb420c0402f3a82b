#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/principal.hpp"
#include "domain/error.hpp"
#include "domain/event_sink.hpp"
#include "domain/order.hpp"
#include "domain/repository.hpp"

namespace ordercast::domain {

// What a customer orders: menu items and how many of each. Names and prices come from the
// menu, never from the request.
struct ordered_line {
    std::int64_t menu_item_id = 0;
    std::int32_t quantity = 0;
};

struct new_order {
    std::int64_t city_id = 0;
    std::vector<ordered_line> items;
    kopecks bonuses_used = 0;
    std::string comment;
};

inline constexpr std::size_t max_items = 100;
inline constexpr std::int32_t max_quantity = 1000;
inline constexpr std::size_t max_comment = 2000;

// The principal a token stands for, as the database knows it: nothing when its userId is in
// ordercast's own range but names no user ordercast created; a manager the database knows
// gets the database's cities in place of the token's.
std::optional<auth::principal> resolve_principal(repository& repo, auth::principal who);

// Refuses (401 unknown-user) a token whose userId is in ordercast's own range but names no
// user ordercast created.
void require_known(repository& repo, const auth::principal& who);
// Every city of `cities` exists; unknown-city (422) names the first that does not.
void require_cities(repository& repo, const std::vector<std::int64_t>& cities);

// Orders, statuses and bonuses (docs/protocol.md §7): who may do what, the rules, and the
// events each change logs in its own transaction and announces once committed. Throws
// domain::error.
class order_service {
public:
    order_service(repository& repo, event_sink& events, int bonus_percent)
        : repo_(repo), events_(events), bonus_percent_(bonus_percent) {}

    // With `claim`, the order is remembered under its idempotency key (see repository).
    order create(const auth::principal& who, const new_order& request,
                 const idempotency_claim* claim = nullptr);
    order change_status(const auth::principal& who, std::int64_t order_id, order_status to);
    order get(const auth::principal& who, std::int64_t order_id);
    std::vector<order> list(const auth::principal& who, order_filter filter);
    std::pair<kopecks, std::vector<bonus_operation>> bonuses(const auth::principal& who);

    // A manager's cities: from the database for a manager it knows (one `ordercast user add`
    // created), from the token's cityIds only for managers of the existing backend.
    std::vector<std::int64_t> cities_of(const auth::principal& who);

private:
    void require_known(const auth::principal& who) { domain::require_known(repo_, who); }
    // Names and prices the lines of `o` from `menu` (inside its transaction) and totals it.
    void price(order& o, const std::vector<menu_item>& menu) const;
    bool can_see(const auth::principal& who, const order& o);
    // What `happened` is written to the event log as.
    std::vector<logged_event> log_entries(const std::vector<domain_event>& happened);

    repository& repo_;
    event_sink& events_;
    int bonus_percent_;
};

}  // namespace ordercast::domain
