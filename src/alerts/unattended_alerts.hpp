#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "domain/event_sink.hpp"
#include "realtime/presence.hpp"
#include "storage/db_executor.hpp"
#include "util/periodic.hpp"

namespace ordercast::alerts {

// Raises `order-unattended` for orders still pending PENDING_ALERT_S after they were placed,
// and again every PENDING_ALERT_S while they stay pending (docs/protocol.md §11). The schedule is
// the orders' own rows (when each was last alerted about), so alerts go on across restarts;
// each alert is claimed in the database with a conditional update in the transaction that
// logs its event, so of several instances exactly one sends it. After downtime that skipped
// intervals, one alert goes out, not a burst: the next is due an interval after it.
class unattended_alerts {
public:
    unattended_alerts(storage::db_executor& db, domain::event_sink& sink,
                      const realtime::cluster_presence& presence, std::int64_t interval_s);
    unattended_alerts(const unattended_alerts&) = delete;
    unattended_alerts& operator=(const unattended_alerts&) = delete;

    std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
    // How often the database is asked: a quarter of the interval, between 0.1 and 5 s.
    static std::chrono::milliseconds poll_every(std::int64_t interval_s);

    // Orders read and claimed per database job; a round takes batches until none is due.
    static constexpr int batch = 200;

private:
    void round();

    storage::db_executor& db_;
    domain::event_sink& sink_;
    const realtime::cluster_presence& presence_;
    std::int64_t interval_ms_;
    std::atomic<std::uint64_t> sent_{0};
    util::periodic thread_;  // last: its first round may come at once
};

}  // namespace ordercast::alerts
