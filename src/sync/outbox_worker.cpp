#include "sync/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <future>

#include "metrics/registry.hpp"
#include "realtime/room_policy.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"
#include "util/guarded.hpp"

namespace ordercast::sync {
namespace {

constexpr std::chrono::milliseconds poll_interval{250};
constexpr int batch = 32;

// Runs `f(repository&)` on the database thread and waits for its result; nothing when
// the database failed.
template <typename F>
auto on_db(storage::db_worker& db, F f)
    -> std::optional<decltype(f(std::declval<domain::repository&>()))> {
    using result = decltype(f(std::declval<domain::repository&>()));
    auto promise = std::make_shared<std::promise<std::optional<result>>>();
    auto future = promise->get_future();
    db.post(
        [promise, f = std::move(f)](domain::repository& repo) {
            try {
                promise->set_value(f(repo));
            } catch (...) {
                promise->set_value(std::nullopt);
                throw;
            }
        },
        [promise] { promise->set_value(std::nullopt); });
    return future.get();
}

}  // namespace

void render(const sync_stats& s, std::string& out) {
    auto v = [](const auto& a) {
        return static_cast<std::int64_t>(a.load(std::memory_order_relaxed));
    };
    metrics::write_metric(out, "ordercast_sync_pending", "gauge",
                          "Outbox records waiting to reach Gulyash.", v(s.pending));
    metrics::write_metric(out, "ordercast_sync_sent_total", "counter",
                          "Changes delivered to Gulyash.", v(s.sent));
    metrics::write_metric(out, "ordercast_sync_failed_total", "counter",
                          "Changes given up after the last attempt (waiting for an admin).",
                          v(s.failed));
    metrics::write_metric(out, "ordercast_sync_retries_total", "counter",
                          "Failed attempts that will be retried.", v(s.retries));
    metrics::write_metric(out, "ordercast_sync_delivery_milliseconds_sum", "counter",
                          "Time from a committed change to Gulyash accepting it, summed.",
                          v(s.latency_ms_sum));
    metrics::write_metric(out, "ordercast_sync_delivery_milliseconds_count", "counter",
                          "Deliveries timed.", v(s.latency_count));
}

std::chrono::milliseconds outbox_worker::backoff(int failed_attempts) {
    const int doublings = std::min(failed_attempts - 1, 20);
    return std::min<std::chrono::milliseconds>(
        std::chrono::seconds(1) * (1LL << std::max(doublings, 0)), std::chrono::minutes(5));
}

outbox_worker::outbox_worker(sync_settings settings, storage::db_worker& db,
                             domain::event_sink& events, sync_stats& stats)
    : settings_(std::move(settings)),
      db_(db),
      events_(events),
      stats_(stats),
      client_(settings_.url, settings_.api_key, settings_.timeout_ms),
      thread_([this] { util::run_guarded("outbox worker", [this] { run(); }); }) {}

outbox_worker::~outbox_worker() {
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void outbox_worker::wake() {
    {
        std::lock_guard guard(lock_);
        woken_ = true;
    }
    wake_.notify_one();
}

void outbox_worker::run() {
    for (;;) {
        const bool more = deliver_due();
        std::unique_lock guard(lock_);
        if (!more) wake_.wait_for(guard, poll_interval, [this] { return woken_ || stopping_; });
        woken_ = false;
        if (stopping_) return;
    }
}

bool outbox_worker::deliver_due() {
    auto due = on_db(db_, [](domain::repository& repo) {
        return std::pair{repo.due_outbox(util::unix_millis(), batch), repo.pending_outbox()};
    });
    if (!due) return false;
    stats_.pending = due->second;
    for (const auto& record : due->first) {
        {
            std::lock_guard guard(lock_);
            if (stopping_) return false;
        }
        // The key names the change, not the attempt: Gulyash can drop repeats.
        const std::string key = "ordercast-" + record.entity + "-" + std::to_string(record.id);
        const auto outcome = client_.post_order(record.payload, key);
        const int attempt = record.attempts + 1;
        const bool retry = !outcome.ok && attempt < settings_.max_attempts;
        const std::string now = util::iso8601_now();
        auto saved = on_db(db_, [&](domain::repository& repo) {
            if (outcome.ok) {
                repo.outbox_sent(record.id);
            } else {
                repo.outbox_failed(
                    record.id, attempt, outcome.error,
                    retry ? std::optional(util::unix_millis() + backoff(attempt).count())
                          : std::nullopt);
            }
            return true;
        });
        if (!saved) return false;  // the database is down: the record stays due
        if (outcome.ok) {
            ++stats_.sent;
            stats_.latency_ms_sum += static_cast<std::uint64_t>(
                std::max<std::int64_t>(0, util::unix_millis() - record.created_ms));
            ++stats_.latency_count;
            events_.publish(
                {realtime::admin_room()}, "sync-success",
                boost::json::object{
                    {"entity", record.entity}, {"entityId", record.entity_id}, {"timestamp", now}});
        } else {
            ++(retry ? stats_.retries : stats_.failed);
            spdlog::warn("gulyash: {} {} attempt {}: {}{}", record.entity, record.entity_id,
                         attempt, outcome.error,
                         retry ? "" : " (giving up until an admin retries)");
            events_.publish({realtime::admin_room()}, "sync-error",
                            boost::json::object{{"entity", record.entity},
                                                {"entityId", record.entity_id},
                                                {"error", outcome.error},
                                                {"timestamp", now},
                                                {"attempt", attempt},
                                                {"willRetry", retry}});
        }
    }
    return static_cast<int>(due->first.size()) == batch;
}

}  // namespace ordercast::sync
