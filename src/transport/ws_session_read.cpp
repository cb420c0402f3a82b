// Reading a socket: frames, the message rate, and the client's messages (docs/protocol.md §3.2).
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
constexpr int reads_per_turn = 4;
}  // namespace

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
        shard_.due_by(*this, message_started_ms_ + message_timeout_ms + 1);
    }
}

bool ws_session::take_rate_token() {
    return rate_.take(shard_.settings().rate_limit_per_s, util::steady_us());
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
