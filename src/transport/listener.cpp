#include "transport/listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <memory>

#include "transport/http_session.hpp"

namespace ordercast::transport {

listener::listener(shard_pool& shards, gateway_context& ctx,
                   const boost::asio::ip::tcp::endpoint& at)
    : shards_(shards), ctx_(ctx), acceptor_(shards.at(0).io()), retry_(shards.at(0).io()) {
    acceptor_.open(at.protocol());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen(boost::asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
}

void listener::start() {
    boost::asio::post(acceptor_.get_executor(), [this] { accept(); });
}

void listener::stop() {
    boost::asio::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
        retry_.cancel();
    });
}

void listener::accept() {
    shard& target = shards_.at(next_++ % shards_.size());
    acceptor_.async_accept(target.io(), [this, &target](boost::system::error_code ec,
                                                        boost::asio::ip::tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
            // Out of file descriptors or memory: back off (100 ms doubling to 5 s) until
            // sockets close, instead of spinning on the error or logging every try.
            if (failures_++ == 0) {
                spdlog::warn("accept failed: {}; backing off until it succeeds", ec.message());
            }
            backoff_ = std::min<std::chrono::milliseconds>(
                std::max<std::chrono::milliseconds>(backoff_ * 2, std::chrono::milliseconds(100)),
                std::chrono::seconds(5));
            retry_.expires_after(backoff_);
            retry_.async_wait([this](boost::system::error_code wait_ec) {
                if (!wait_ec) accept();
            });
            return;
        }
        if (failures_) {
            spdlog::info("accepting again after {} failed tries", failures_);
            failures_ = 0;
            backoff_ = std::chrono::milliseconds(0);
        }
        boost::asio::post(target.io(), [&target, this, s = std::move(socket)]() mutable {
            std::make_shared<http_session>(target, std::move(s), ctx_)->run();
        });
        accept();
    });
}

}  // namespace ordercast::transport
