#include "alerts/unattended_alerts.hpp"

#include <algorithm>

#include "storage/on_db.hpp"
#include "util/clock.hpp"

namespace ordercast::alerts {

std::chrono::milliseconds unattended_alerts::poll_every(std::int64_t interval_s) {
    return std::clamp<std::chrono::milliseconds>(std::chrono::milliseconds(interval_s * 250),
                                                 std::chrono::milliseconds(100),
                                                 std::chrono::seconds(5));
}

unattended_alerts::unattended_alerts(storage::db_worker& db, domain::event_sink& sink,
                                     const realtime::cluster_presence& presence,
                                     std::int64_t interval_s)
    : db_(db),
      sink_(sink),
      presence_(presence),
      interval_ms_(interval_s * 1000),
      thread_("unattended alerts", poll_every(interval_s), [this] { round(); }) {}

void unattended_alerts::round() {
    const auto now = util::unix_millis();
    auto due = storage::on_db(db_, [before = now - interval_ms_](domain::repository& repo) {
        return repo.due_unattended(before, batch);
    });
    if (!due || due->empty()) return;  // nothing due, or the database is away: next round
    const auto online = presence_.counts(now);
    for (const auto& order : *due) {
        const auto managers = online.managers_by_city.find(order.city_id);
        auto entries = sink_.entries(domain::order_unattended{
            order.id, order.city_id, std::max<std::int64_t>(0, (now - order.created_ms) / 1000),
            managers == online.managers_by_city.end() ? 0 : managers->second});
        auto claimed = storage::on_db(db_, [&](domain::repository& repo) {
            return repo.claim_unattended(order.id, order.last_alert_ms, now, entries.front());
        });
        if (!claimed || !*claimed) continue;  // another instance was first, or it moved on
        sent_.fetch_add(1, std::memory_order_relaxed);
        sink_.committed(std::move(entries));
    }
}

}  // namespace ordercast::alerts
