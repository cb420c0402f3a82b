// Watching and repairing the Gulyash sync (docs/protocol.md §8).
#include <boost/json.hpp>

#include "api/db_call.hpp"
#include "api/sync_api.hpp"
#include "util/clock.hpp"

namespace ordercast::api {
namespace json = boost::json;

sync_api::sync_api(const api_context& ctx) : ctx_(ctx) {}

void sync_api::add_routes(route_table& routes) {
    constexpr auto token = route_table::access::token;
    routes.add(http::verb::get, "/api/sync/failed", token,
               [this](const call& c, respond_fn r) { failed_syncs(c.who, std::move(r)); });
    routes.add(http::verb::post, "/api/sync/{word}/{id}/retry", token,
               [this](const call& c, respond_fn r) {
                   retry_sync(c.who, c.words[0], c.ids[0], std::move(r));
               });
}

void sync_api::failed_syncs(const auth::principal& who, respond_fn respond) {
    if (!who.is_staff_admin())
        return respond(forbidden_response("only admin and ceo may see or repair the sync"));
    db_call(ctx_.db, std::move(respond), [](domain::repository& repo) {
        json::array failed;
        for (const auto& r : repo.failed_outbox(500)) {
            failed.push_back(json::object{{"id", r.id},
                                          {"entity", r.entity},
                                          {"entityId", r.entity_id},
                                          {"attempts", r.attempts},
                                          {"error", r.last_error},
                                          {"updatedAt", r.updated_at}});
        }
        return json_response(http::status::ok, json::object{{"failed", std::move(failed)}});
    });
}

void sync_api::retry_sync(const auth::principal& who, std::string_view entity, std::int64_t id,
                          respond_fn respond) {
    if (!who.is_staff_admin())
        return respond(forbidden_response("only admin and ceo may see or repair the sync"));
    if (entity != "order")
        return respond(error_response(http::status::not_found, "not-found", "unknown entity"));
    db_call(ctx_.db, std::move(respond), [this, id](domain::repository& repo) {
        const int requeued = repo.requeue_outbox("order", id, util::unix_millis());
        if (requeued == 0) {
            throw domain::error(domain::error::kind::not_found, "not-found",
                                "no failed sync for this order");
        }
        if (ctx_.outbox_changed) ctx_.outbox_changed();
        return json_response(
            http::status::accepted,
            json::object{{"entity", "order"}, {"entityId", id}, {"requeued", requeued}});
    });
}

}  // namespace ordercast::api
