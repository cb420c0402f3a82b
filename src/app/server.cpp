#include "app/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>

#include "api/router.hpp"
#include "auth/jwt.hpp"
#include "broker/broker.hpp"
#include "metrics/registry.hpp"
#include "transport/gateway_context.hpp"
#include "transport/listener.hpp"
#include "transport/shard_pool.hpp"

namespace ordercast::app {

int serve(const config::config& cfg) {
    const unsigned threads =
        cfg.threads ? cfg.threads : std::max(1u, std::thread::hardware_concurrency());

    metrics::registry metrics(threads);
    auth::jwt_verifier verifier(cfg.jwt_secret, cfg.jwt_leeway_s);
    transport::shard_pool shards(threads,
                                 {.send_queue_bytes = cfg.send_queue_bytes,
                                  .ping_interval_ms = cfg.ping_interval_ms,
                                  .rate_limit_per_s = cfg.rate_limit_per_s},
                                 metrics);
    broker::local_broker events(shards);
    api::router router(
        {.verifier = verifier, .events = events, .local = shards, .metrics = metrics});
    transport::gateway_context gateway{verifier, router, metrics, cfg.allowed_origins};

    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(cfg.host, ec);
    if (ec) {
        spdlog::error("HOST: '{}' is not an IP address", cfg.host);
        return 2;
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
        listener->stop();
        shards.shutdown();
    });

    listener->start();
    spdlog::info("ordercast listening on {}:{} ({} threads, broker {})", cfg.host, listener->port(),
                 threads, events.name());
    shards.run();
    spdlog::info("ordercast stopped");
    return 0;
}

}  // namespace ordercast::app
