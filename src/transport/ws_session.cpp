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
#include "transport/close_code.hpp"
#include "transport/shard.hpp"
#include "util/clock.hpp"

namespace ordercast::transport {
namespace {

constexpr std::size_t max_message_bytes = 64 * 1024;
constexpr std::size_t max_fragments = 1024;
constexpr std::int64_t close_timeout_ms = 5000;
constexpr int max_iov = 64;
constexpr int reads_per_turn = 4;
// A message begun must be finished within this: each unfinished one may hold up to 64 KiB.
constexpr std::int64_t message_timeout_ms = 5000;

std::atomic<std::uint64_t> next_serial{1};

}  // namespace

ws_session::ws_session(shard& owner, int fd)
    : shard_(owner),
      fd_(fd),
      serial_(next_serial.fetch_add(1, std::memory_order_relaxed)),
      reader_(max_message_bytes, max_fragments) {}

ws_session::~ws_session() {
    assert(!dirty_ && ops_ == 0 && "destroyed while a flush or a posted call still refers to it");
    if (registered_) {
        shard_.users().remove(who_.user_id, serial_);
        shard_.presence().closed(who_.user_id, who_.who);
    }
    shard_.rooms().leave_all(*this);
    release_queue(false);
    release_held();
    shard_.detach(*this);
    shard_.stats().connections_open.fetch_sub(1, std::memory_order_relaxed);
    if (authenticated_) {
        shard_.stats().connections_by_role[static_cast<std::size_t>(who_.who)].fetch_sub(
            1, std::memory_order_relaxed);
    }
}

void ws_session::start(shard& owner, boost::asio::ip::tcp::socket socket, std::string_view response,
                       auth_result auth, std::string_view leftover,
                       std::optional<realtime::resume_position> since) {
    // The socket leaves Asio's reactor: from here the shard's poller watches it.
    boost::system::error_code ec;
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);
    const int fd = socket.release(ec);
    if (ec) return;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    auto* s = new ws_session(owner, fd);
    owner.attach(*s);
    owner.stats().connections_open.fetch_add(1, std::memory_order_relaxed);
    if (!owner.watch(fd, *s)) {
        s->abort(close_code::abnormal);
        return s->maybe_destroy();
    }

    ++s->ops_;  // the session must outlive this function whatever happens below
    s->queue(realtime::out_frame::make_raw(response));
    if (auto* who = std::get_if<auth::principal>(&auth)) {
        s->accept(*who, std::move(since));
    } else if (std::get<auth::token_error>(auth) == auth::token_error::expired) {
        s->close(close_code::token_expired, "token expired");
    } else {
        s->close(close_code::unauthorized, "unauthorized");
    }
    if (!leftover.empty()) {
        std::string early(leftover);
        s->on_bytes(early.data(), early.size());
    }
    --s->ops_;
    s->maybe_destroy();
}

void ws_session::accept(const auth::principal& who,
                        std::optional<realtime::resume_position> since) {
    who_ = who;
    authenticated_ = true;
    shard_.stats().connections_by_role[static_cast<std::size_t>(who.who)].fetch_add(
        1, std::memory_order_relaxed);
    // Joined on this thread, where events are delivered: every event after live_from_
    // reaches this socket live.
    live_from_ = shard_.last_event_id;
    spdlog::debug("ws open user={} role={}{}", who.user_id, auth::to_string(who.who),
                  since ? " (resuming)" : "");
    auto rooms = realtime::automatic_rooms(who);
    for (const auto& room : rooms) shard_.rooms().join(*this, room, realtime::max_rooms_per_socket);
    if (!since) {
        send_text(realtime::connected_message(who, live_from_, shard_.epoch));
    } else if (since->epoch && *since->epoch != shard_.epoch) {
        // Another log (restored, replaced, another deployment): its ids mean nothing here.
        realtime::resume_answer other;
        other.result = realtime::resume_answer::outcome::unknown_position;
        finish_resume(std::move(other));
    } else {
        // Live events wait while the log is read; `connected` goes first when it answers.
        resuming_ = true;
        realtime::resume_request request{std::move(since->since), std::move(rooms)};
        request.page_bytes = page_bytes();
        ask_log(std::move(request));
    }
    registered_ = true;
    shard_.presence().opened(who.user_id, who.who, who.city_ids);
    for (auto old : shard_.users().add(who.user_id, {&shard_, serial_})) {
        if (old.where == &shard_) {
            shard_.close_session(old.serial, close_code::policy_violation, "too many connections");
        } else {
            boost::asio::post(old.where->io(), [old] {
                old.where->close_session(old.serial, close_code::policy_violation,
                                         "too many connections");
            });
        }
    }
    next_ping_ms_ = util::steady_ms() + shard_.settings().ping_interval_ms;
    tokens_ = shard_.settings().rate_limit_per_s;
    tokens_refilled_us_ = util::steady_us();
}

void ws_session::reassign_cities(const std::vector<std::int64_t>& cities) {
    for (auto city : who_.city_ids) shard_.rooms().leave(*this, realtime::city_room(city));
    who_.city_ids = cities;
    for (auto city : cities)
        shard_.rooms().join(*this, realtime::city_room(city), realtime::max_rooms_per_socket);
    shard_.presence().moved(who_.user_id, cities);
}

void ws_session::maybe_destroy() {
    if (state_ == state::dead && ops_ == 0 && !dirty_ && !buried_) {
        buried_ = true;
        shard_.bury(*this);
    }
}

// ---- send queue ------------------------------------------------------------------

void ws_session::queue(realtime::out_frame* f) {
    assert(!buried_ && "a session queued to after it was handed to the graveyard");
    assert(shard_.on_own_thread() && "frames are touched only on their shard's thread");
    if (ring_count_ == ring_.size()) {
        std::vector<realtime::out_frame*> bigger(std::max<std::size_t>(8, ring_.size() * 2));
        for (std::uint32_t i = 0; i < ring_count_; ++i)
            bigger[i] = ring_[(ring_head_ + i) & (ring_.size() - 1)];
        ring_.swap(bigger);
        ring_head_ = 0;
    }
    ring_[(ring_head_ + ring_count_) & (ring_.size() - 1)] = f;
    ++ring_count_;
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
    if (resuming_) return hold(f, event_id);
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
    const bool head_in_use = head_offset_ > 0 || !handshake_sent_;
    std::uint32_t keep = keep_partial_head && head_in_use && ring_count_ > 0 ? 1 : 0;
    for (std::uint32_t i = keep; i < ring_count_; ++i) {
        auto* f = ring_[(ring_head_ + i) & (ring_.size() - 1)];
        queued_bytes_ -= f->size();
        shard_.backlog_bytes -= f->size();
        f->release();
    }
    ring_count_ = keep;
    if (!keep) head_offset_ = 0;
}

void ws_session::flush() {
    if (state_ == state::dead || waiting_writable_) return;
    const int fd = fd_;
    while (ring_count_ > 0) {
        iovec iov[max_iov];
        int count = 0;
        std::size_t total = 0;
        const std::size_t mask = ring_.size() - 1;
        for (std::uint32_t i = 0; i < ring_count_ && count < max_iov; ++i) {
            auto* f = ring_[(ring_head_ + i) & mask];
            std::size_t offset = i == 0 ? head_offset_ : 0;
            iov[count].iov_base = const_cast<char*>(f->data() + offset);
            iov[count].iov_len = f->size() - offset;
            total += iov[count].iov_len;
            ++count;
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
        auto written = static_cast<std::size_t>(n);
        while (written > 0) {
            auto* f = ring_[ring_head_];
            std::size_t rest = f->size() - head_offset_;
            if (written < rest) {
                head_offset_ += static_cast<std::uint32_t>(written);
                break;
            }
            written -= rest;
            handshake_sent_ = true;
            queued_bytes_ -= f->size();
            shard_.backlog_bytes -= f->size();
            f->release();
            ring_head_ = static_cast<std::uint32_t>((ring_head_ + 1) & mask);
            --ring_count_;
            head_offset_ = 0;
        }
        // A replay under way goes on once most of its last page is written.
        if (replay_) next_page();
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

// ---- closing -----------------------------------------------------------------------

void ws_session::close(std::uint16_t code, std::string_view reason) {
    if (state_ != state::open) return;
    state_ = state::closing;
    shard_.stats().count_close(code);
    log_close(code);
    queue(code == close_code::no_status ? realtime::out_frame::make(realtime::opcode::close, {})
                                        : realtime::out_frame::make_close(code, reason));
    close_queued_ = true;
    close_deadline_ms_ = util::steady_ms() + close_timeout_ms;
}

void ws_session::abort(std::uint16_t code) {
    if (state_ == state::dead) return;
    if (state_ == state::open) {
        shard_.stats().count_close(code);
        log_close(code);
    }
    finish_close();
}

void ws_session::log_close(std::uint16_t code) const {
    if (!authenticated_) return;  // refusals are logged at the handshake
    spdlog::debug("ws close user={} role={} code={}", who_.user_id, auth::to_string(who_.who),
                  code);
}

void ws_session::finish_close() {
    state_ = state::dead;
    release_queue(false);
    ::close(fd_);  // also leaves the poller's set
    fd_ = -1;
}

void ws_session::tick(std::int64_t now_ms, std::int64_t unix_s) {
    switch (state_) {
        case state::open:
            if (authenticated_ && unix_s >= who_.expires_at) {
                close(close_code::token_expired, "token expired");
                return;
            }
            if (message_started_ms_ && now_ms - message_started_ms_ > message_timeout_ms) {
                partial_.clear();
                partial_.shrink_to_fit();
                close(close_code::policy_violation, "message not finished in time");
                return;
            }
            if (now_ms >= next_ping_ms_) {
                if (awaiting_pong_) return abort(close_code::abnormal);
                awaiting_pong_ = true;
                next_ping_ms_ = now_ms + shard_.settings().ping_interval_ms;
                shard_.ping_frame()->retain();
                queue(shard_.ping_frame());
            }
            return;
        case state::closing:
        case state::draining:
            if (now_ms >= close_deadline_ms_) abort(close_code::abnormal);
            return;
        case state::dead:
            return;
    }
}

// ---- reading -----------------------------------------------------------------------

void ws_session::read_ready(bool peer_done) {
    const int fd = fd_;
    for (int round = 0; round < reads_per_turn; ++round) {
        auto buffer = shard_.read_buffer();
        ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n > 0) {
            on_bytes(buffer.data(), static_cast<std::size_t>(n));
            if (state_ == state::dead) return;
            // Less than asked for: drained, and new data brings a new edge. When the peer
            // has hung up no edge follows, so read on to the end.
            if (!peer_done && static_cast<std::size_t>(n) < buffer.size()) return;
            continue;
        }
        if (n == 0) return state_ == state::open ? abort(close_code::abnormal) : finish_close();
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        return abort(close_code::abnormal);
    }
    // More is waiting: let the other sockets of this shard have a turn first.
    ++ops_;
    boost::asio::post(shard_.io(), [this] {
        if (state_ != state::dead) read_ready(true);
        --ops_;
        maybe_destroy();
    });
}

void ws_session::on_bytes(char* data, std::size_t n) {
    // After a close only the peer's FIN matters; whatever else it sends is dropped.
    if (state_ != state::open || reader_.stopped()) return;
    if (partial_.empty()) {
        std::size_t used = reader_.consume(data, n, *this);
        if (used < n && !reader_.stopped()) partial_.assign(data + used, n - used);
    } else {
        partial_.append(data, n);
        std::size_t used = reader_.consume(partial_.data(), partial_.size(), *this);
        partial_.erase(0, used);
        if (partial_.empty() && partial_.capacity() > 4096) std::string().swap(partial_);
    }
    // The clock runs from the first byte of an unfinished frame or fragmented message.
    const bool unfinished = !partial_.empty() || reader_.in_message();
    if (!unfinished) {
        message_started_ms_ = 0;
    } else if (!message_started_ms_) {
        message_started_ms_ = util::steady_ms();
    }
}

bool ws_session::take_rate_token() {
    const double rate = shard_.settings().rate_limit_per_s;
    const std::int64_t now = util::steady_us();
    tokens_ = std::min(rate, tokens_ + static_cast<double>(now - tokens_refilled_us_) * rate / 1e6);
    tokens_refilled_us_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

bool ws_session::on_text(std::string_view message) {
    // A message finished: the deadline runs from the first byte of the next unfinished one,
    // so a client that streams messages back to back is not cut off.
    message_started_ms_ = 0;
    if (!spend_token()) return false;
    shard_.stats().messages_in.fetch_add(1, std::memory_order_relaxed);
    handle(message);
    return state_ == state::open;
}

void ws_session::handle(std::string_view message) {
    // The one message a busy client sends most: answered without parsing.
    if (message == R"({"type":"ping"})") return reply(shard_.pong_message_frame());

    auto parsed = realtime::parse_client_message(message);
    if (auto* error = std::get_if<realtime::protocol_error>(&parsed)) {
        return send_text(realtime::error_message(*error));
    }
    const auto& msg = std::get<realtime::client_message>(parsed);
    using kind = realtime::client_message::kind;
    switch (msg.type) {
        case kind::ping:
            return reply(shard_.pong_message_frame());
        case kind::join_room:
            switch (realtime::may_join(who_, msg.room)) {
                case realtime::join_decision::bad_room:
                    return send_text(
                        realtime::error_message({"bad-room", "no such room", "join-room"}));
                case realtime::join_decision::forbidden:
                    return send_text(realtime::error_message(
                        {"forbidden", "not allowed to join this room", "join-room"}));
                case realtime::join_decision::allowed:
                    break;
            }
            if (shard_.rooms().join(*this, msg.room, realtime::max_rooms_per_socket) ==
                realtime::hub::join_result::too_many_rooms) {
                return send_text(realtime::error_message(
                    {"too-many-rooms", "a socket may be in at most 256 rooms", "join-room"}));
            }
            return send_text(realtime::room_reply("room-joined", msg.room));
        case kind::leave_room:
            shard_.rooms().leave(*this, msg.room);
            return send_text(realtime::room_reply("room-left", msg.room));
    }
}

bool ws_session::on_ping(std::string_view payload) {
    if (!spend_token()) return false;
    realtime::frame_ref pong(realtime::out_frame::make(realtime::opcode::pong, payload));
    push(pong.get(), 0);
    return state_ == state::open;
}

bool ws_session::on_pong() {
    awaiting_pong_ = false;
    // Unsolicited pongs cost a token like any frame, or they would be free to flood.
    return spend_token();
}

bool ws_session::on_fragment() {
    return spend_token();
}

bool ws_session::spend_token() {
    if (state_ != state::open) return false;
    if (take_rate_token()) return true;
    close(close_code::policy_violation, "rate limit exceeded");
    return false;
}

void ws_session::on_close(std::uint16_t code, std::string_view) {
    close(code, {});
}

void ws_session::on_fail(std::uint16_t code, std::string_view reason) {
    close(code, reason);
}

}  // namespace ordercast::transport
