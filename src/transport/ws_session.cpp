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
#include <limits>

#include <spdlog/spdlog.h>

#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "transport/shard.hpp"
#include "util/clock.hpp"
#include "wire/close_code.hpp"

namespace ordercast::transport {
namespace {

constexpr std::uint32_t max_message_bytes = 64 * 1024;
constexpr std::uint16_t max_fragments = 1024;
constexpr std::int64_t close_timeout_ms = 5000;

std::atomic<std::uint64_t> next_serial{1};

}  // namespace

ws_session::ws_session(shard& owner, int fd)
    : fd_(fd),
      shard_(owner),
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
    drop_resume();
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
    // Set first: should anything below close the socket, the close deadline replaces it.
    deadline_ms_ = util::steady_ms() + shard_.settings().ping_interval_ms;
    shard_.stats().connections_by_role[static_cast<std::size_t>(who.who)].fetch_add(
        1, std::memory_order_relaxed);
    // Joined on this thread, where events are delivered: every event after live_from
    // reaches this socket live.
    const auto live_from = shard_.last_event_id;
    if (since) {
        // Live events wait while the log is read; `connected` goes first when it answers.
        resume_ = std::make_unique<resume_state>();
        resume_->live_from = live_from;
    }
    spdlog::debug("ws open user={} role={}{}", who.user_id, auth::to_string(who.who),
                  since ? " (resuming)" : "");
    auto rooms = realtime::automatic_rooms(who);
    for (const auto& room : rooms) shard_.rooms().join(*this, room, realtime::max_rooms_per_socket);
    if (!since) {
        send_text(realtime::connected_message(who, live_from, shard_.epoch));
    } else if (since->epoch && *since->epoch != shard_.epoch) {
        // Another log (restored, replaced, another deployment): its ids mean nothing here.
        realtime::resume_answer other;
        other.result = realtime::resume_answer::outcome::unknown_position;
        finish_resume(std::move(other));
    } else {
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
    shard_.due_by(*this, next_due(util::steady_ms(), util::unix_seconds()));
    rate_.fill(shard_.settings().rate_limit_per_s, util::steady_us());
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

// ---- closing -----------------------------------------------------------------------

void ws_session::close(std::uint16_t code, std::string_view reason) {
    if (state_ != state::open) return;
    state_ = state::closing;
    shard_.stats().count_close(code);
    log_close(code);
    queue(code == close_code::no_status ? realtime::out_frame::make(realtime::opcode::close, {})
                                        : realtime::out_frame::make_close(code, reason));
    close_queued_ = true;
    deadline_ms_ = util::steady_ms() + close_timeout_ms;
    shard_.due_by(*this, deadline_ms_);
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

std::int64_t ws_session::next_due(std::int64_t now_ms, std::int64_t unix_s) const {
    switch (state_) {
        case state::open: {
            std::int64_t due = deadline_ms_;
            if (authenticated_) due = std::min(due, now_ms + (who_.expires_at - unix_s) * 1000);
            if (message_started_ms_)
                due = std::min(due, message_started_ms_ + message_timeout_ms + 1);
            return due;
        }
        case state::closing:
        case state::draining:
            return deadline_ms_;
        case state::dead:
            break;
    }
    return std::numeric_limits<std::int64_t>::max();
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
            if (now_ms >= deadline_ms_) {
                if (awaiting_pong_) return abort(close_code::abnormal);
                awaiting_pong_ = true;
                deadline_ms_ = now_ms + shard_.settings().ping_interval_ms;
                shard_.ping_frame()->retain();
                queue(shard_.ping_frame());
            }
            return;
        case state::closing:
        case state::draining:
            if (now_ms >= deadline_ms_) abort(close_code::abnormal);
            return;
        case state::dead:
            return;
    }
}

}  // namespace ordercast::transport
