#include "sync/outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <future>

#include "metrics/registry.hpp"
#include "storage/on_db.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"
#include "util/guarded.hpp"
#include "util/random_id.hpp"

namespace ordercast::sync {
namespace {

constexpr std::chrono::milliseconds poll_interval{250};

}  // namespace

domain::logged_event outbox_worker::one_entry(const domain::domain_event& e) const {
    auto entries = events_.entries(e);
    return std::move(entries.front());
}

void render(const sync_stats& s, std::string& out) {
    auto v = [](const auto& a) {
        return static_cast<std::int64_t>(a.load(std::memory_order_relaxed));
    };
    metrics::write_metric(out, metrics::catalog::sync_pending, v(s.pending));
    metrics::write_metric(out, metrics::catalog::sync_sent, v(s.sent));
    metrics::write_metric(out, metrics::catalog::sync_failed, v(s.failed));
    metrics::write_metric(out, metrics::catalog::sync_retries, v(s.retries));
    metrics::write_metric(out, metrics::catalog::sync_delivery_ms_sum, v(s.latency_ms_sum));
    metrics::write_metric(out, metrics::catalog::sync_delivery_ms_count, v(s.latency_count));
}

std::chrono::milliseconds outbox_worker::backoff(int failed_attempts) {
    const int doublings = std::min(failed_attempts - 1, 20);
    return std::min<std::chrono::milliseconds>(
        std::chrono::seconds(1) * (1LL << std::max(doublings, 0)), std::chrono::minutes(5));
}

std::int64_t outbox_worker::lease_ms() const {
    return std::max<std::int64_t>(60'000, 2 * settings_.timeout_ms + 10'000);
}

outbox_worker::outbox_worker(sync_settings settings, storage::db_worker& db,
                             domain::event_sink& events, sync_stats& stats)
    : settings_(std::move(settings)),
      db_(db),
      events_(events),
      stats_(stats),
      owner_(util::random_id()) {
    // What a crashed predecessor was delivering is due again at once where that is safe.
    storage::on_db(db_, [](domain::repository& repo) {
        repo.release_stale_outbox_leases();
        return true;
    });
    for (int i = 0; i < std::max(1, settings_.parallel); ++i) {
        clients_.push_back(std::make_unique<gulyash_client>(settings_.url, settings_.api_key,
                                                            settings_.timeout_ms));
    }
    for (auto& c : clients_) {
        threads_.emplace_back([this, client = c.get()] {
            util::run_guarded("outbox worker", [this, client] { run(*client); });
        });
    }
}

outbox_worker::~outbox_worker() {
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void outbox_worker::wake() {
    {
        std::lock_guard guard(lock_);
        ++wakes_;
    }
    wake_.notify_all();
}

void outbox_worker::run(gulyash_client& client) {
    for (;;) {
        std::uint64_t seen = 0;
        {
            std::lock_guard guard(lock_);
            if (stopping_) return;
            seen = wakes_;
        }
        const bool more = deliver_one(client);
        std::unique_lock guard(lock_);
        if (!more) {
            // Other instances' changes wake nobody here: look again at least this often.
            wake_.wait_for(guard, poll_interval, [&] { return wakes_ != seen || stopping_; });
        }
        if (stopping_) return;
    }
}

bool outbox_worker::deliver_one(gulyash_client& client) {
    const auto lease = lease_ms();
    auto due = storage::on_db(db_, [this, lease](domain::repository& repo) {
        return std::pair{repo.due_outbox(util::unix_millis(), 1, owner_, lease),
                         repo.pending_outbox()};
    });
    if (!due) return false;
    stats_.pending = due->second;
    if (due->first.empty()) return false;
    const auto& record = due->first.front();
    // The key names the change, not the attempt: Gulyash can drop repeats.
    const std::string key = "ordercast-" + record.entity + "-" + std::to_string(record.id);
    const auto outcome = client.post_order(record.payload, key);
    const int attempt = record.attempts + 1;
    const bool retry = !outcome.ok && attempt < settings_.max_attempts;
    // The outcome and the event that tells admins of it commit together.
    std::optional<domain::logged_event> told;
    if (outcome.ok) {
        told = one_entry(domain::sync_succeeded{record.entity, record.entity_id});
    } else {
        told = one_entry(
            domain::sync_failed{record.entity, record.entity_id, outcome.error, attempt, retry});
    }
    auto saved = storage::on_db(db_, [&](domain::repository& repo) {
        auto event = *told;
        bool held = outcome.ok
                        ? repo.outbox_sent(record.id, owner_, util::unix_millis(), &event)
                        : repo.outbox_failed(
                              record.id, owner_, attempt, outcome.error,
                              retry ? std::optional(util::unix_millis() + backoff(attempt).count())
                                    : std::nullopt,
                              &event);
        if (held) told = std::move(event);
        return held;
    });
    if (!saved) return false;  // the database is down: the record stays due
    if (!*saved) {
        // Our lease ran out and another worker took the record: its outcome counts.
        spdlog::warn("gulyash: {} {} change {}: lease lost to another worker; outcome dropped",
                     record.entity, record.entity_id, record.id);
        return true;
    }
    if (outcome.ok) {
        ++stats_.sent;
        stats_.latency_ms_sum += static_cast<std::uint64_t>(
            std::max<std::int64_t>(0, util::unix_millis() - record.created_ms));
        ++stats_.latency_count;
    } else {
        ++(retry ? stats_.retries : stats_.failed);
        spdlog::warn("gulyash: {} {} attempt {}: {}{}", record.entity, record.entity_id, attempt,
                     outcome.error, retry ? "" : " (giving up until an admin retries)");
    }
    events_.committed({std::move(*told)});
    return true;
}

}  // namespace ordercast::sync
