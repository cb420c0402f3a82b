#pragma once

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "alerts/unattended_alerts.hpp"
#include "api/router.hpp"
#include "auth/jwt.hpp"
#include "broker/broker.hpp"
#include "config/config.hpp"
#include "eventlog/appender.hpp"
#include "eventlog/log_sink.hpp"
#include "eventlog/replay.hpp"
#include "eventlog/sequencer.hpp"
#include "metrics/registry.hpp"
#include "realtime/presence.hpp"
#include "storage/db_worker.hpp"
#include "storage/pruner.hpp"
#include "storage/sqlite/restore.hpp"
#include "sync/outbox_worker.hpp"
#include "transport/gateway_context.hpp"
#include "transport/listener.hpp"
#include "transport/shard_pool.hpp"
#include "util/periodic.hpp"
#include "util/worker.hpp"

namespace ordercast::app {

// A part that cannot start: the process says why and exits with `exit_code`.
struct start_failure : std::runtime_error {
    start_failure(int code, const std::string& why) : std::runtime_error(why), exit_code(code) {}
    int exit_code;
};

// The server's parts. They are declared — and so started — in the order they need each
// other, and destroyed in the reverse order; stop() ends what serves first.
class components {
public:
    // Starts every part; throws start_failure.
    explicit components(const config::config& cfg);
    components(const components&) = delete;
    components& operator=(const components&) = delete;

    // Serves until SIGTERM/SIGINT (which calls stop()), then lets go of what still waits on
    // the database.
    void run();

private:
    // In reverse: no new connections, no more presence reports, every socket closed (1001)
    // and in-flight requests finished by the shards.
    void stop();
    // Runs `f` after `delay` on shard 0's loop, holding no thread meanwhile.
    void defer(std::chrono::milliseconds delay, std::function<void()> f);
    void open_database();
    void start_broker();
    void share_presence();
    void add_metrics();
    void listen();

    const config::config& cfg_;
    const unsigned threads_;
    metrics::registry metrics_;
    auth::jwt_verifier verifier_;
    transport::shard_pool shards_;
    std::unique_ptr<storage::sqlite::database_hold> in_use_;  // outlives every connection
    std::unique_ptr<storage::db_worker> db_;
    std::int64_t head_ = 0;  // the log's head at start: the live stream begins after it
    std::string log_name_;   // the log's epoch
    std::unique_ptr<eventlog::sequencer> in_order_;
    std::unique_ptr<realtime::cluster_presence> staff_online_;
    std::unique_ptr<broker::broker> broker_;
    eventlog::replay_stats replay_stats_;
    std::unique_ptr<eventlog::replay_service> replays_;
    std::unique_ptr<util::periodic> head_poll_;
    std::unique_ptr<storage::pruner> pruner_;
    std::unique_ptr<util::periodic> ended_accounts_;
    boost::asio::steady_timer presence_timer_;
    util::worker hasher_;
    std::unique_ptr<eventlog::log_sink> sink_;
    std::unique_ptr<eventlog::appender> published_;
    std::unique_ptr<alerts::unattended_alerts> unattended_;
    sync::sync_stats sync_stats_;
    std::unique_ptr<sync::outbox_worker> outbox_;
    std::unique_ptr<api::router> router_;
    std::unique_ptr<transport::gateway_context> gateway_;
    std::unique_ptr<transport::listener> listener_;
    boost::asio::signal_set signals_;
};

}  // namespace ordercast::app
