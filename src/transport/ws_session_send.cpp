// A socket's send queue: frames shared between sockets, written with one writev per turn,
// bounded (a client that cannot keep up is closed as a slow consumer).
#include "transport/ws_session.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <cassert>
#include <cerrno>

#include <spdlog/spdlog.h>

#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "transport/shard.hpp"
#include "util/clock.hpp"
#include "wire/close_code.hpp"

namespace ordercast::transport {
namespace {
constexpr int max_iov = 64;
}  // namespace

void ws_session::queue(realtime::out_frame* f) {
    assert(!buried_ && "a session queued to after it was handed to the graveyard");
    assert(shard_.on_own_thread() && "frames are touched only on their shard's thread");
    ring_.push(f);
    queued_bytes_ += f->size();
    shard_.backlog_bytes += f->size();
    if (!dirty_) {
        dirty_ = true;
        shard_.mark_dirty(*this);
    }
}

bool ws_session::push(realtime::out_frame* f, std::int64_t event_id) {
    if (state_ != state::open) return false;
    if (event_id != 0 && event_id <= skip_through_) return false;  // it came with the replay
    if (resume_) return hold(f, event_id);
    if (queued_bytes_ + f->size() > shard_.settings().send_queue_bytes) {
        shard_.stats().slow_consumer_drops.fetch_add(1, std::memory_order_relaxed);
        // What it has not read yet is dropped: that backlog is the problem.
        release_queue(true);
        close(close_code::policy_violation, "slow consumer");
        return false;
    }
    f->retain();
    queue(f);
    return true;
}

void ws_session::reply(realtime::out_frame* f) {
    push(f, 0);
    shard_.stats().messages_out.fetch_add(1, std::memory_order_relaxed);
}

void ws_session::send_text(std::string_view json) {
    realtime::frame_ref f(realtime::out_frame::make(realtime::opcode::text, json));
    reply(f.get());
}

void ws_session::release_queue(bool keep_partial_head) {
    // The head stays when it is half written, or when it is the 101 response: a close
    // frame must never reach the client before the handshake does.
    const bool head_in_use = ring_.head_offset() > 0 || !handshake_sent_;
    ring_.clear(keep_partial_head && head_in_use, [this](realtime::out_frame* f) { drop(f); });
}

void ws_session::drop(realtime::out_frame* f) {
    queued_bytes_ -= f->size();
    shard_.backlog_bytes -= f->size();
    f->release();
}

void ws_session::flush() {
    if (state_ == state::dead || waiting_writable_) return;
    const int fd = fd_;
    while (!ring_.empty()) {
        iovec iov[max_iov];
        int count = 0;
        std::size_t total = 0;
        // Several frames leave as one buffer: sendmsg pays per buffer (a user copy set up
        // for each), more than copying a few KiB of frames that every socket shares and the
        // cache holds — 25 % of the server's CPU per delivery at 10,000 subscribers
        // (docs/performance.md). Frames too large for the buffer go as they are.
        std::uint32_t copied = 0;
        if (ring_.size() > 1) total = ring_.copy(shard_.write_buffer(), copied);
        if (copied > 1) {
            iov[0] = {shard_.write_buffer().data(), total};
            count = 1;
        } else {
            total = ring_.gather(iov, max_iov, count);
        }
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = static_cast<std::size_t>(count);
        ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                waiting_writable_ = true;  // the poller's next EPOLLOUT edge resumes
                return;
            }
            return abort(close_code::abnormal);
        }
        ring_.written(static_cast<std::size_t>(n), [this](realtime::out_frame* f) {
            handshake_sent_ = true;
            drop(f);
        });
        // A replay under way goes on once most of its last page is written.
        if (resume_) next_page();
        if (static_cast<std::size_t>(n) < total) {
            waiting_writable_ = true;
            return;
        }
    }
    if (state_ == state::closing && close_queued_) {
        // Our close frame is out: send FIN, then read until the peer closes too, so that
        // unread client bytes cannot turn our close into a reset.
        ::shutdown(fd, SHUT_WR);
        state_ = state::draining;
    }
}

void ws_session::on_events(std::uint32_t events) {
    if (state_ == state::dead) return;
    if ((events & EPOLLOUT) && waiting_writable_) {
        waiting_writable_ = false;
        flush();
    }
    if (state_ == state::dead) return maybe_destroy();
    if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        read_ready(true);
    } else if (events & EPOLLIN) {
        read_ready(false);
    }
    maybe_destroy();
}

}  // namespace ordercast::transport
