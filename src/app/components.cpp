#include "app/components.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "app/ended_accounts.hpp"
#include "broker/redis_broker.hpp"
#include "domain/order_service.hpp"
#include "domain/user_ids.hpp"
#include "eventlog/log_metrics.hpp"
#include "storage/database_url.hpp"
#include "storage/on_db.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"
#include "util/random_id.hpp"
#include "util/redact.hpp"

namespace ordercast::app {

namespace {

// Gap fills for the sequencer: events after `after`, read on a database thread.
eventlog::sequencer::reader read_log(storage::db_executor& db) {
    return [&db](std::int64_t after, int limit,
                 std::function<void(std::optional<eventlog::sequencer::events>)> done) {
        storage::run_on_db(
            db, [after, limit](domain::repository& repo) { return repo.events_from(after, limit); },
            [done](storage::db_outcome<eventlog::sequencer::events> out) {
                done(std::move(out.value));
            });
    };
}

constexpr std::chrono::milliseconds head_poll_every{1000};
// Staff online reports between instances: said every 2 s, forgotten after 10 s of silence.
constexpr std::chrono::seconds presence_every{2};
constexpr std::int64_t presence_expiry_ms = 10'000;

}  // namespace

components::components(const config::config& cfg)
    : cfg_(cfg),
      threads_(cfg.threads ? cfg.threads : std::max(1u, std::thread::hardware_concurrency())),
      metrics_(threads_, ORDERCAST_VERSION),
      verifier_(cfg.jwt_secret, cfg.jwt_leeway_s),
      shards_(threads_,
              {.send_queue_bytes = cfg.send_queue_bytes,
               .ping_interval_ms = cfg.ping_interval_ms,
               .rate_limit_per_s = cfg.rate_limit_per_s,
               .max_sockets_per_user = cfg.max_sockets_per_user},
              metrics_),
      presence_timer_(shards_.at(0).io()),
      signals_(shards_.at(0).io(), SIGINT, SIGTERM) {
    open_database();
    in_order_ = std::make_unique<eventlog::sequencer>(
        shards_, read_log(*db_),
        [this](std::chrono::milliseconds delay, std::function<void()> f) { defer(delay, f); });
    staff_online_ =
        std::make_unique<realtime::cluster_presence>(shards_.presence(), presence_expiry_ms);
    start_broker();
    replays_ = std::make_unique<eventlog::replay_service>(
        *db_, cfg.replay_limit, std::max(1u, cfg.database_pool / 2), replay_stats_);
    in_order_->start(head_);
    in_order_->catch_up();  // whatever other instances logged since `head_` was read
    if (!cfg.redis_url.empty()) {
        // Events that never come through Redis (their publisher died with the message, Redis
        // froze) are noticed from the log's head within two polls, so a quiet socket is
        // never left behind the database for long.
        head_poll_ = std::make_unique<util::periodic>("event log head", head_poll_every, [this] {
            if (auto h = storage::on_db(*db_, [](domain::repository& r) { return r.event_head(); }))
                in_order_->observe_head(*h);
        });
    }
    shards_.start_at(head_, log_name_, replays_.get());
    pruner_ = std::make_unique<storage::pruner>(
        *db_, storage::pruner::retention{.events_s = cfg.event_retention_s});
    ended_accounts_ = watch_ended_accounts(*db_, shards_);
    share_presence();
    sink_ = std::make_unique<eventlog::log_sink>(*broker_);
    published_ = std::make_unique<eventlog::appender>(*db_, [this](std::function<void()> f) {
        boost::asio::post(shards_.at(0).io(), std::move(f));
    });
    if (cfg.pending_alert_s > 0) {
        unattended_ = std::make_unique<alerts::unattended_alerts>(*db_, *sink_, *staff_online_,
                                                                  cfg.pending_alert_s);
    } else {
        spdlog::info("PENDING_ALERT_S=0: no unattended-order alerts");
    }
    if (cfg.gulyash_url.empty()) {
        spdlog::info(
            "GULYASH_URL unset: this instance delivers nothing to Gulyash (it records changes "
            "for it only when another instance of this database does)");
    } else {
        outbox_ = std::make_unique<sync::outbox_worker>(
            sync::sync_settings{cfg.gulyash_url, cfg.gulyash_api_key,
                                static_cast<long>(cfg.gulyash_timeout_ms),
                                cfg.gulyash_max_attempts},
            *db_, *sink_, sync_stats_);
        spdlog::info("Gulyash sync on: {}", util::redact_url(cfg.gulyash_url));
    }
    add_metrics();
    router_ = std::make_unique<api::router>(api::api_context{
        .verifier = verifier_,
        .events = *broker_,
        .local = shards_,
        .metrics = metrics_,
        .db = *db_,
        .hasher = hasher_,
        .sink = *sink_,
        .appender = *published_,
        .presence = *staff_online_,
        .bonus_percent = cfg.bonus_earn_percent,
        .jwt_secret = cfg.jwt_secret,
        .token_ttl_s = cfg.token_ttl_s,
        .telegram_bot_token = cfg.telegram_bot_token,
        .orders_per_minute = cfg.orders_per_minute,
        .login_failures_per_min = cfg.login_failures_per_min,
        .outbox_changed =
            [this] {
                if (outbox_) outbox_->wake();
            },
        .defer = [this](std::chrono::milliseconds delay,
                        std::function<void()> f) { defer(delay, std::move(f)); },
    });
    gateway_ = std::make_unique<transport::gateway_context>(transport::gateway_context{
        verifier_, *router_, metrics_, cfg.allowed_origins,
        [this](auth::principal who, std::function<void(std::optional<auth::principal>)> done) {
            // Only a manager's cities and ids of ordercast's own range are the database's to
            // decide; any other token is taken as it is.
            if (who.who != auth::role::manager && !domain::is_own_user_id(who.user_id))
                return done(who);
            storage::run_on_db(
                *db_, [who](domain::repository& r) { return domain::resolve_principal(r, who); },
                [who, done](storage::db_outcome<std::optional<auth::principal>> out) {
                    // The database is away or too busy: the token is all there is to go by.
                    done(out.ok() ? std::move(*out.value) : std::optional<auth::principal>(who));
                });
        }});
    listen();
    signals_.async_wait([this](boost::system::error_code ec, int signal) {
        if (ec) return;
        spdlog::info("signal {}: shutting down", signal);
        stop();
    });
}

void components::open_database() {
    try {
        const auto kind = storage::parse_database_url(cfg_.database_url);
        const bool sqlite = kind && kind->type == storage::database_url::kind::sqlite;
        // `ordercast restore` refuses to replace the file while this is held.
        if (sqlite) in_use_ = std::make_unique<storage::sqlite::database_hold>(kind->target);
        db_ = std::make_unique<storage::db_worker>(
            [this] {
                auto repo = storage::open_repository(cfg_.database_url, !cfg_.gulyash_url.empty());
                if (!cfg_.gulyash_url.empty()) repo->mark_sync_on();
                return repo;
            },
            storage::db_worker::limits{.connections = sqlite ? 1u : cfg_.database_pool});
    } catch (const storage::storage_error& e) {
        throw start_failure(1, "database: " + util::redact_url(e.what()));
    }
    // The live stream starts where the log stands now; what came before is history that
    // clients resume from. The log's name keeps instances of other databases (whose ids
    // mean other events) off this one's Redis channel.
    const auto log = storage::on_db(*db_, [](domain::repository& repo) {
        return std::pair{repo.event_head(), repo.log_name(util::random_id())};
    });
    if (!log) throw start_failure(1, "database: cannot read the event log");
    head_ = log->first;
    log_name_ = log->second;
}

void components::start_broker() {
    if (cfg_.redis_url.empty()) {
        broker_ = std::make_unique<broker::local_broker>(*in_order_);
        return;
    }
    auto endpoint = broker::parse_redis_url(cfg_.redis_url);
    if (!endpoint) {
        throw start_failure(2,
                            "REDIS_URL: expected redis://[[user]:password@]host[:port][/db], "
                            "got '" +
                                util::redact_url(cfg_.redis_url) + "'");
    }
    // What other instances published while the subscription was down is in the log.
    auto redis = std::make_unique<broker::redis_broker>(
        *endpoint, *in_order_, [this] { in_order_->catch_up(); }, "ordercast:events:" + log_name_,
        [this](const std::string& instance,
               std::unordered_map<std::int64_t, realtime::presence::person> people) {
            staff_online_->heard(instance, std::move(people), util::unix_millis());
        });
    metrics_.add_section([r = redis.get()](std::string& out) {
        metrics::write_metric(out, metrics::catalog::broker_dropped,
                              static_cast<std::int64_t>(r->dropped()));
    });
    broker_ = std::move(redis);
}

void components::share_presence() {
    // This instance's staff online, to the other instances (a timer of its own, so that
    // stopping can cancel it).
    broker_->share_presence(realtime::presence::encode(shards_.presence().staff()));
    presence_timer_.expires_after(presence_every);
    presence_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) share_presence();
    });
}

void components::add_metrics() {
    metrics_.add_section([this](std::string& out) {
        eventlog::render(out, *in_order_, *sink_, replay_stats_, *pruner_);
        const auto here = realtime::presence::count(shards_.presence().staff());
        metrics::write_labelled(
            out, metrics::catalog::staff_online, "role",
            {{"admin", here.admin}, {"ceo", here.ceo}, {"manager", here.manager}});
        metrics::write_metric(out, metrics::catalog::unattended_alerts,
                              unattended_ ? static_cast<std::int64_t>(unattended_->sent()) : 0);
    });
    metrics_.add_section([this](std::string& out) {
        metrics::write_metric(out, metrics::catalog::db_queue_depth,
                              static_cast<std::int64_t>(db_->queued()));
        metrics::write_histogram(out, metrics::catalog::db_job_wait, db_->wait_times());
        metrics::write_histogram(out, metrics::catalog::db_job_run, db_->run_times());
    });
    if (outbox_) metrics_.add_section([this](std::string& out) { sync::render(sync_stats_, out); });
}

void components::listen() {
    // An address, or a name (`localhost`) resolved once here: the first address it has.
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(cfg_.host, ec);
    if (ec) {
        boost::asio::ip::tcp::resolver resolver(shards_.at(0).io());
        auto found = resolver.resolve(cfg_.host, "", ec);
        if (ec || found.empty()) {
            throw start_failure(2, "HOST: '" + cfg_.host +
                                       "' is neither an IP address nor a name that resolves (" +
                                       (ec ? ec.message() : "no address") + ")");
        }
        address = found.begin()->endpoint().address();
    }
    try {
        listener_ = std::make_unique<transport::listener>(
            shards_, *gateway_, boost::asio::ip::tcp::endpoint(address, cfg_.port));
    } catch (const boost::system::system_error& e) {
        throw start_failure(1, "cannot listen on " + cfg_.host + ":" + std::to_string(cfg_.port) +
                                   ": " + e.code().message());
    }
}

void components::defer(std::chrono::milliseconds delay, std::function<void()> f) {
    auto& io = shards_.at(0).io();
    boost::asio::post(io, [&io, delay, f = std::move(f)] {
        auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
        timer->async_wait([timer, f](boost::system::error_code) { f(); });
    });
}

void components::run() {
    listener_->start();
    if (cfg_.telegram_bot_token.empty())
        spdlog::info("TELEGRAM_BOT_TOKEN unset: Telegram login is off");
    spdlog::info("ordercast listening on {}:{} ({} threads, broker {}, database {})", cfg_.host,
                 listener_->port(), threads_, broker_->name(), util::redact_url(cfg_.database_url));
    shards_.run();
    // Whatever still waits on the database (the outbox) is let go now, even when the
    // database does not answer: stopping must not hang on it.
    db_->stop();
}

void components::stop() {
    listener_->stop();
    presence_timer_.cancel();
    shards_.shutdown();
}

}  // namespace ordercast::app
