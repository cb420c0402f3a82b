#include "eventlog/event_entries.hpp"

#include <boost/json.hpp>

#include "domain/money.hpp"
#include "domain/order_json.hpp"
#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "util/clock.hpp"
#include "util/json_text.hpp"

namespace ordercast::eventlog {
namespace json = boost::json;
using namespace ordercast::domain;

namespace {

logged_event make(std::vector<std::string> rooms, std::string type, const json::value& data) {
    logged_event e;
    e.rooms = std::move(rooms);
    e.type = std::move(type);
    e.data = util::to_json_text(data);
    return e;
}

std::vector<logged_event> one(std::vector<std::string> rooms, std::string type,
                              const json::value& data) {
    std::vector<logged_event> out;
    out.push_back(make(std::move(rooms), std::move(type), data));
    return out;
}

struct mapper {
    std::vector<logged_event> operator()(const order_created& c) const {
        // The seed names the same fact twice: `order-created` for its customer, `new-order`
        // for the staff who handle it.
        const auto body = to_json(c.placed);
        std::vector<logged_event> out;
        out.push_back(make({realtime::user_room(c.placed.user_id)}, "order-created", body));
        out.push_back(make({realtime::admin_room(), realtime::city_room(c.placed.city_id)},
                           "new-order", body));
        return out;
    }
    std::vector<logged_event> operator()(const order_status_changed& c) const {
        return one({realtime::user_room(c.updated.user_id), realtime::admin_room(),
                    realtime::city_room(c.updated.city_id)},
                   "order-status-updated",
                   json::object{{"orderId", c.updated.id},
                                {"newStatus", to_string(c.updated.status)},
                                {"oldStatus", to_string(c.from)},
                                {"timestamp", c.updated.updated_at}});
    }
    std::vector<logged_event> operator()(const bonus_changed& c) const {
        return one({realtime::user_room(c.user_id)}, "bonus-updated",
                   json::object{{"balance", to_roubles(c.balance)},
                                {"operation", json::object{{"type", c.operation},
                                                           {"amount", to_roubles(c.amount)},
                                                           {"orderId", c.order_id}}},
                                {"timestamp", util::iso8601_now()}});
    }
    std::vector<logged_event> operator()(const sync_succeeded& c) const {
        return one({realtime::admin_room()}, "sync-success",
                   json::object{{"entity", c.entity},
                                {"entityId", c.entity_id},
                                {"timestamp", util::iso8601_now()}});
    }
    std::vector<logged_event> operator()(const sync_failed& c) const {
        return one({realtime::admin_room()}, "sync-error",
                   json::object{{"entity", c.entity},
                                {"entityId", c.entity_id},
                                {"error", c.error},
                                {"timestamp", util::iso8601_now()},
                                {"attempt", c.attempt},
                                {"willRetry", c.will_retry}});
    }
    std::vector<logged_event> operator()(const order_unattended& c) const {
        return one({realtime::admin_room(), realtime::city_room(c.city_id)}, "order-unattended",
                   json::object{{"orderId", c.order_id},
                                {"cityId", c.city_id},
                                {"pendingSeconds", c.pending_seconds},
                                {"managersOnline", c.managers_online},
                                {"timestamp", util::iso8601_now()}});
    }
};

}  // namespace

std::vector<logged_event> entries_of(const domain_event& e) {
    return std::visit(mapper{}, e);
}

realtime::event to_realtime(const logged_event& e) {
    return {e.id, e.rooms, realtime::logged_event_message(e.id, e.type, e.data)};
}

}  // namespace ordercast::eventlog
