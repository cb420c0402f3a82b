#include "app/server.hpp"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <limits>
#include <map>
#include <thread>

#include "alerts/unattended_alerts.hpp"
#include "api/router.hpp"
#include "auth/jwt.hpp"
#include "broker/broker.hpp"
#include "broker/redis_broker.hpp"
#include "domain/order_service.hpp"
#include "eventlog/log_metrics.hpp"
#include "eventlog/log_pruner.hpp"
#include "eventlog/log_sink.hpp"
#include "eventlog/replay.hpp"
#include "eventlog/sequencer.hpp"
#include "metrics/registry.hpp"
#include "storage/database_url.hpp"
#include "storage/db_worker.hpp"
#include "storage/on_db.hpp"
#include "storage/sqlite/restore.hpp"
#include "storage/storage_error.hpp"
#include "sync/outbox_worker.hpp"
#include "transport/gateway_context.hpp"
#include "transport/listener.hpp"
#include "transport/shard_pool.hpp"
#include "util/clock.hpp"
#include "util/periodic.hpp"
#include "util/random_id.hpp"
#include "util/redact.hpp"

namespace ordercast::app {

namespace {

// Every socket is a descriptor: take all the kernel allows this process.
void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit wanted = limit;
        wanted.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &wanted) == 0) limit = wanted;
    }
    spdlog::info("open files limit {}", static_cast<std::uint64_t>(limit.rlim_cur));
}

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

}  // namespace

int serve(const config::config& cfg) {
    raise_file_limit();
    const unsigned threads =
        cfg.threads ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());

    metrics::registry metrics(threads);
    auth::jwt_verifier verifier(cfg.jwt_secret, cfg.jwt_leeway_s);
    transport::shard_pool shards(threads,
                                 {.send_queue_bytes = cfg.send_queue_bytes,
                                  .ping_interval_ms = cfg.ping_interval_ms,
                                  .rate_limit_per_s = cfg.rate_limit_per_s,
                                  .max_sockets_per_user = cfg.max_sockets_per_user},
                                 metrics);
    // Runs `f` after `delay` on shard 0's loop, holding no thread meanwhile.
    auto defer = [&shards](std::chrono::milliseconds delay, std::function<void()> f) {
        auto& io = shards.at(0).io();
        boost::asio::post(io, [&io, delay, f = std::move(f)] {
            auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
            timer->async_wait([timer, f](boost::system::error_code) { f(); });
        });
    };
    std::unique_ptr<storage::sqlite::database_hold> in_use;  // outlives every connection
    std::unique_ptr<storage::db_worker> db_workers;
    try {
        const auto kind = storage::parse_database_url(cfg.database_url);
        const bool sqlite = kind && kind->type == storage::database_url::kind::sqlite;
        // `ordercast restore` refuses to replace the file while this is held.
        if (sqlite) in_use = std::make_unique<storage::sqlite::database_hold>(kind->target);
        db_workers = std::make_unique<storage::db_worker>(
            [&cfg] {
                auto repo = storage::open_repository(cfg.database_url, !cfg.gulyash_url.empty());
                if (!cfg.gulyash_url.empty()) repo->mark_sync_on();
                return repo;
            },
            storage::db_worker::limits{.connections = sqlite ? 1u : cfg.database_pool});
    } catch (const storage::storage_error& e) {
        spdlog::error("database: {}", util::redact_url(e.what()));
        return 1;
    }
    storage::db_worker& db = *db_workers;
    // The live stream starts where the log stands now; what came before is history that
    // clients resume from. The log's name keeps instances of other databases (whose ids
    // mean other events) off this one's Redis channel.
    const auto log = storage::on_db(db, [](domain::repository& repo) {
        return std::pair{repo.event_head(), repo.log_name(util::random_id())};
    });
    if (!log) {
        spdlog::error("database: cannot read the event log");
        return 1;
    }
    const auto& [head, log_name] = *log;
    eventlog::sequencer in_order(shards, read_log(db), defer);
    // Staff online here and, through Redis, on the other instances (each says who it has
    // every 2 s; one silent for 10 s stops counting).
    realtime::cluster_presence staff_online(shards.presence(), 10'000);

    std::unique_ptr<broker::broker> event_broker;
    if (cfg.redis_url.empty()) {
        event_broker = std::make_unique<broker::local_broker>(in_order);
    } else {
        auto endpoint = broker::parse_redis_url(cfg.redis_url);
        if (!endpoint) {
            spdlog::error(
                "REDIS_URL: expected redis://[[user]:password@]host[:port][/db], got '{}'",
                util::redact_url(cfg.redis_url));
            return 2;
        }
        // What other instances published while the subscription was down is in the log.
        auto redis = std::make_unique<broker::redis_broker>(
            *endpoint, in_order, [&in_order] { in_order.catch_up(); },
            "ordercast:events:" + log_name,
            [&staff_online](const std::string& instance,
                            std::unordered_map<std::int64_t, realtime::presence::person> people) {
                staff_online.heard(instance, std::move(people), util::unix_millis());
            });
        metrics.add_section([r = redis.get()](std::string& out) {
            metrics::write_metric(out, "ordercast_broker_dropped_total", "counter",
                                  "Messages read from Redis and dropped as invalid.",
                                  static_cast<std::int64_t>(r->dropped()));
        });
        event_broker = std::move(redis);
    }
    broker::broker& events = *event_broker;

    eventlog::replay_stats replay_stats;
    eventlog::replay_service replays(db, cfg.replay_limit, std::max(1u, cfg.database_pool / 2),
                                     replay_stats);
    in_order.start(head);
    in_order.catch_up();  // whatever other instances logged since `head` was read
    // Events that never come through Redis (their publisher died with the message, Redis
    // froze) are noticed from the log's head within two polls, so a quiet socket is never
    // left behind the database for long.
    std::unique_ptr<util::periodic> head_poll;
    if (!cfg.redis_url.empty()) {
        head_poll = std::make_unique<util::periodic>("event log head", head_poll_every, [&] {
            if (auto h = storage::on_db(db, [](domain::repository& r) { return r.event_head(); }))
                in_order.observe_head(*h);
        });
    }
    shards.start_at(head, log_name, &replays);
    eventlog::log_pruner pruner(db, cfg.event_retention_s);
    // Accounts whose tokens were ended — a password change or a removal, by the command line
    // or another instance — lose their older sockets here too, within about a second.
    util::periodic ended_accounts(
        "ended accounts", std::chrono::milliseconds(1000),
        [&db, &shards, since = util::unix_seconds(),
         handled = std::map<std::int64_t, std::pair<std::int64_t, bool>>()]() mutable {
            auto ended = storage::on_db(
                db, [since](domain::repository& r) { return r.accounts_ended_since(since); });
            if (!ended) return;
            for (const auto& account : *ended) {
                // A removal in the same second as a password change is news too.
                const bool removed = account.role == "removed";
                auto& done = handled[account.id];
                if (done.first >= account.tokens_after && done.second == removed) continue;
                done = {account.tokens_after, removed};
                // A removed account names nobody: every socket of it goes.
                shards.end_tokens(account.id, removed ? std::numeric_limits<std::int64_t>::max()
                                                      : account.tokens_after);
                since = std::max(since, account.tokens_after);
            }
            // The next poll reads from the newest second seen (still, for what lands in it):
            // what is older is handled and forgotten.
            std::erase_if(handled, [&](const auto& h) { return h.second.first < since; });
        });
    // Every 2 s, this instance's staff online to the other instances (a timer of its own, so
    // that shutting down can cancel it).
    boost::asio::steady_timer presence_timer(shards.at(0).io());
    std::function<void()> share_presence = [&] {
        events.share_presence(realtime::presence::encode(shards.presence().staff()));
        presence_timer.expires_after(std::chrono::seconds(2));
        presence_timer.async_wait([&](boost::system::error_code ec) {
            if (!ec) share_presence();
        });
    };
    share_presence();
    util::worker hasher;
    eventlog::log_sink sink(events);
    eventlog::appender published(db, [&shards](std::function<void()> f) {
        boost::asio::post(shards.at(0).io(), std::move(f));
    });
    std::unique_ptr<alerts::unattended_alerts> unattended;
    if (cfg.pending_alert_s > 0) {
        unattended = std::make_unique<alerts::unattended_alerts>(db, sink, staff_online,
                                                                 cfg.pending_alert_s);
    } else {
        spdlog::info("PENDING_ALERT_S=0: no unattended-order alerts");
    }
    metrics.add_section([&](std::string& out) {
        eventlog::render(out, in_order, sink, replay_stats, pruner);
        const auto here = realtime::presence::count(shards.presence().staff());
        metrics::write_labelled(
            out, "ordercast_staff_online", "gauge",
            "Staff with a socket open on this instance (people, not sockets).", "role",
            {{"admin", here.admin}, {"ceo", here.ceo}, {"manager", here.manager}});
        metrics::write_metric(out, "ordercast_unattended_alerts_total", "counter",
                              "order-unattended alerts this instance sent.",
                              unattended ? static_cast<std::int64_t>(unattended->sent()) : 0);
    });
    sync::sync_stats sync_stats;
    std::unique_ptr<sync::outbox_worker> outbox;
    if (cfg.gulyash_url.empty()) {
        spdlog::info(
            "GULYASH_URL unset: this instance delivers nothing to Gulyash (it records changes "
            "for it only when another instance of this database does)");
    } else {
        outbox = std::make_unique<sync::outbox_worker>(
            sync::sync_settings{cfg.gulyash_url, cfg.gulyash_api_key,
                                static_cast<long>(cfg.gulyash_timeout_ms),
                                cfg.gulyash_max_attempts},
            db, sink, sync_stats);
        metrics.add_section([&sync_stats](std::string& out) { sync::render(sync_stats, out); });
        spdlog::info("Gulyash sync on: {}", util::redact_url(cfg.gulyash_url));
    }
    api::router router({
        .verifier = verifier,
        .events = events,
        .local = shards,
        .metrics = metrics,
        .db = db,
        .hasher = hasher,
        .sink = sink,
        .appender = published,
        .presence = staff_online,
        .bonus_percent = cfg.bonus_earn_percent,
        .jwt_secret = cfg.jwt_secret,
        .token_ttl_s = cfg.token_ttl_s,
        .telegram_bot_token = cfg.telegram_bot_token,
        .orders_per_minute = cfg.orders_per_minute,
        .login_failures_per_min = cfg.login_failures_per_min,
        .outbox_changed =
            [&outbox] {
                if (outbox) outbox->wake();
            },
        .defer = defer,
    });
    transport::gateway_context gateway{
        verifier, router, metrics, cfg.allowed_origins,
        [&db](auth::principal who, std::function<void(std::optional<auth::principal>)> done) {
            storage::run_on_db(
                db, [who](domain::repository& r) { return domain::resolve_principal(r, who); },
                [who, done](storage::db_outcome<std::optional<auth::principal>> out) {
                    // The database is away or too busy: the token is all there is to go by.
                    done(out.ok() ? std::move(*out.value) : std::optional<auth::principal>(who));
                });
        }};

    // An address, or a name (`localhost`) resolved once here: the first address it has.
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(cfg.host, ec);
    if (ec) {
        boost::asio::ip::tcp::resolver resolver(shards.at(0).io());
        auto found = resolver.resolve(cfg.host, "", ec);
        if (ec || found.empty()) {
            spdlog::error("HOST: '{}' is neither an IP address nor a name that resolves ({})",
                          cfg.host, ec ? ec.message() : "no address");
            return 2;
        }
        address = found.begin()->endpoint().address();
    }
    std::unique_ptr<transport::listener> listener;
    try {
        listener = std::make_unique<transport::listener>(
            shards, gateway, boost::asio::ip::tcp::endpoint(address, cfg.port));
    } catch (const boost::system::system_error& e) {
        spdlog::error("cannot listen on {}:{}: {}", cfg.host, cfg.port, e.code().message());
        return 1;
    }

    boost::asio::signal_set signals(shards.at(0).io(), SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code wait_ec, int signal) {
        if (wait_ec) return;
        spdlog::info("signal {}: shutting down", signal);
        presence_timer.cancel();
        listener->stop();
        shards.shutdown();
    });

    listener->start();
    if (cfg.telegram_bot_token.empty())
        spdlog::info("TELEGRAM_BOT_TOKEN unset: Telegram login is off");
    spdlog::info("ordercast listening on {}:{} ({} threads, broker {}, database {})", cfg.host,
                 listener->port(), threads, events.name(), util::redact_url(cfg.database_url));
    shards.run();
    // Whatever still waits on the database (the outbox) is let go now, even when the
    // database does not answer: stopping must not hang on it.
    db.stop();
    spdlog::info("ordercast stopped");
    return 0;
}

}  // namespace ordercast::app
