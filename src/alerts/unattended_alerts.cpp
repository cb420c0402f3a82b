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

unattended_alerts::unattended_alerts(storage::db_executor& db, domain::event_sink& sink,
                                     const realtime::cluster_presence& presence,
                                     std::int64_t interval_s)
    : db_(db),
      sink_(sink),
      presence_(presence),
      interval_ms_(interval_s * 1000),
      thread_("unattended alerts", poll_every(interval_s), [this] { round(); }) {}

void unattended_alerts::round() {
    // Batch after batch, oldest due first, until nothing is due: a backlog (thousands of
    // pending orders, or downtime) drains in one round instead of a batch per round.
    for (;;) {
        const auto now = util::unix_millis();
        auto due = storage::on_db(db_, [before = now - interval_ms_](domain::repository& repo) {
            return repo.due_unattended(before, batch);
        });
        if (!due || due->empty()) return;  // nothing due, or the database is away: next round
        const auto online = presence_.counts(now);
        std::vector<std::vector<domain::logged_event>> alerts;
        for (const auto& order : *due) {
            const auto managers = online.managers_by_city.find(order.city_id);
            alerts.push_back(sink_.entries(domain::order_unattended{
                order.id, order.city_id, std::max<std::int64_t>(0, (now - order.created_ms) / 1000),
                managers == online.managers_by_city.end() ? 0 : managers->second}));
        }
        // One database job claims the batch, each claim in its own transaction (another
        // instance may claim some of them first).
        auto claimed = storage::on_db(db_, [&](domain::repository& repo) {
            std::vector<bool> won;
            for (std::size_t i = 0; i < due->size(); ++i)
                won.push_back(repo.claim_unattended((*due)[i].id, (*due)[i].last_alert_ms, now,
                                                    alerts[i].front()));
            return won;
        });
        if (!claimed) return;
        for (std::size_t i = 0; i < claimed->size(); ++i) {
            if (!(*claimed)[i]) continue;  // another instance was first, or it moved on
            sent_.fetch_add(1, std::memory_order_relaxed);
            sink_.committed(std::move(alerts[i]));
        }
        if (due->size() < static_cast<std::size_t>(batch) || thread_.stopping()) return;
    }
}

}  // namespace ordercast::alerts
