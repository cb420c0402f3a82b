#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "domain/order.hpp"

namespace ordercast::domain {

// What happened, in the domain's terms. Who hears of it (rooms) and how it reads on the
// wire is decided outside the domain (eventlog/event_entries).
struct order_created {
    order placed;
};

struct order_status_changed {
    order updated;
    order_status from;
};

struct bonus_changed {
    std::int64_t user_id = 0;
    kopecks balance = 0;
    std::string operation;  // earned, used or refunded
    kopecks amount = 0;
    std::int64_t order_id = 0;
};

struct sync_succeeded {
    std::string entity;
    std::int64_t entity_id = 0;
};

struct sync_failed {
    std::string entity;
    std::int64_t entity_id = 0;
    std::string error;
    int attempt = 0;
    bool will_retry = false;
};

// An order still pending after PENDING_ALERT_S (docs/protocol.md §11).
struct order_unattended {
    std::int64_t order_id = 0;
    std::int64_t city_id = 0;
    std::int64_t pending_seconds = 0;
    std::int64_t managers_online = 0;  // of its city, across instances
};

using domain_event = std::variant<order_created, order_status_changed, bonus_changed,
                                  sync_succeeded, sync_failed, order_unattended>;

}  // namespace ordercast::domain
