#include "transport/poller.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <stdexcept>

namespace ordercast::transport {
namespace {
constexpr int batch = 512;
}

poller::poller(boost::asio::io_context& io)
    : io_(io), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)), wakeup_(io) {
    if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
    // The set's own descriptor turns readable when any member has an event: Asio waits on
    // that, and we collect the members' events ourselves.
    wakeup_.assign(::dup(epoll_fd_));
    arm();
}

poller::~poller() {
    boost::system::error_code ec;
    wakeup_.close(ec);
    ::close(epoll_fd_);
}

bool poller::add(int fd, poll_target& target) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = &target;
    return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void poller::stop() {
    stopped_ = true;
    boost::system::error_code ec;
    wakeup_.cancel(ec);
}

void poller::arm() {
    wakeup_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this](boost::system::error_code ec) {
                           if (ec || stopped_) return;
                           dispatch();
                       });
}

void poller::dispatch() {
    epoll_event events[batch];
    int n;
    do {
        n = epoll_wait(epoll_fd_, events, batch, 0);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; ++i)
        static_cast<poll_target*>(events[i].data.ptr)->on_events(events[i].events);
    if (n == batch) {
        // More may be ready: no new edge will announce them, so come back after the
        // handlers already queued.
        boost::asio::post(io_, [this] {
            if (!stopped_) dispatch();
        });
        return;
    }
    arm();
}

}  // namespace ordercast::transport
