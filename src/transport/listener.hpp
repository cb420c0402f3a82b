#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

#include "transport/gateway_context.hpp"
#include "transport/shard_pool.hpp"

namespace ordercast::transport {

// Accepts connections on one port and deals them round-robin to the shards.
class listener {
public:
    // Binds and listens at once; throws boost::system::system_error when it cannot.
    listener(shard_pool& shards, gateway_context& ctx, const boost::asio::ip::tcp::endpoint& at);

    std::uint16_t port() const { return port_; }
    void start();
    // Thread-safe: stop accepting.
    void stop();

private:
    void accept();

    shard_pool& shards_;
    gateway_context& ctx_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    std::size_t next_ = 0;
    std::uint16_t port_ = 0;
    // While accepting fails (out of descriptors): the wait before the next try, doubling,
    // and how many tries failed; one log line when it starts and one when it ends.
    std::chrono::milliseconds backoff_{0};
    std::uint64_t failures_ = 0;
};

}  // namespace ordercast::transport
