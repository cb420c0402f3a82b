#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>

namespace ordercast::transport {

// Something registered with a poller: told which of EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP
// happened on its descriptor.
class poll_target {
public:
    virtual void on_events(std::uint32_t events) = 0;

protected:
    ~poll_target() = default;
};

// A shard's own edge-triggered epoll set for WebSocket sockets, nested in the shard's
// io_context. Each socket is registered once for reading and writing and never modified
// again: no epoll_ctl per read wait, which Asio's reactor needs for async_wait. Targets
// may close their descriptor while a batch is dispatched, but must not be deleted before
// the handler that dispatches it returns.
class poller {
public:
    explicit poller(boost::asio::io_context& io);
    ~poller();
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;

    // False when the descriptor cannot be watched (the caller closes it).
    bool add(int fd, poll_target& target);
    // Stop waiting; outstanding events are dropped.
    void stop();

private:
    void arm();
    void dispatch();

    boost::asio::io_context& io_;
    int epoll_fd_;
    boost::asio::posix::stream_descriptor wakeup_;
    bool stopped_ = false;
};

}  // namespace ordercast::transport
