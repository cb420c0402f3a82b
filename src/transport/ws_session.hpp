#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/jwt.hpp"
#include "auth/principal.hpp"
#include "realtime/frame.hpp"
#include "realtime/hub.hpp"
#include "realtime/resume.hpp"
#include "transport/poller.hpp"
#include "util/timer_wheel.hpp"
#include "wire/close_code.hpp"
#include "wire/send_ring.hpp"
#include "wire/token_bucket.hpp"
#include "wire/ws_reader.hpp"

namespace ordercast::transport {

// The wire formats this session speaks (src/wire).
namespace close_code = wire::close_code;
using wire::send_ring;
using wire::token_bucket;
using wire::ws_reader;
using wire::ws_reader_handler;

class shard;

// One upgraded WebSocket connection. Owns its own write path: frames are queued by
// reference (shared with every other recipient of the same event) and written with one
// gather write per loop turn. Lives on one shard's thread; deletes itself once its socket
// is closed and no operation of its is pending.
class ws_session final : public realtime::subscriber,
                         public poll_target,
                         private ws_reader_handler,
                         public util::wheel_hook {  // last: fd_ fits in its tail
public:
    using auth_result = std::variant<auth::principal, auth::token_error>;

    // Takes over an upgraded socket. `response` (the 101) is sent first; `leftover` holds
    // bytes the client sent after its handshake request; `since` is the position it resumes
    // from (docs/protocol.md §10), when it asked to.
    static void start(shard& owner, boost::asio::ip::tcp::socket socket, std::string_view response,
                      auth_result auth, std::string_view leftover,
                      std::optional<realtime::resume_position> since);

    bool push(realtime::out_frame* f, std::int64_t event_id) override;
    void on_events(std::uint32_t events) override;

    // A manager's cities changed: leave the old city rooms, join the new ones.
    void reassign_cities(const std::vector<std::int64_t>& cities);
    std::uint64_t serial() const { return serial_; }
    bool is_manager(std::int64_t user_id) const {
        return authenticated_ && who_.who == auth::role::manager && who_.user_id == user_id;
    }
    // Its token is one of `user_id`'s issued before `before_s` (unix seconds).
    bool holds_token_of(std::int64_t user_id, std::int64_t before_s) const {
        return authenticated_ && who_.user_id == user_id && who_.issued_at < before_s;
    }

    // Called by the shard.
    void flush();
    // `now_ms` on the steady clock, `unix_s` the wall clock: read once per tick for all.
    void tick(std::int64_t now_ms, std::int64_t unix_s);
    // When tick has something to do next: a ping, a pong missed, the token's expiry, an
    // unfinished message's time limit, the close handshake's.
    std::int64_t next_due(std::int64_t now_ms, std::int64_t unix_s) const;
    // Queues a close frame after what is already queued; nothing else is sent after it.
    void close(std::uint16_t code, std::string_view reason);
    void on_flushed_by_shard() { dirty_ = false; }
    void maybe_destroy();

private:
    friend class shard;
    enum class state : std::uint8_t { open, closing, draining, dead };
    // A message begun must be finished within this: each unfinished one may hold up to 64 KiB.
    static constexpr std::int64_t message_timeout_ms = 5000;

    ws_session(shard& owner, int fd);
    ~ws_session();

    void accept(const auth::principal& who, std::optional<realtime::resume_position> since);
    // Asks the log for `r` (a resume's first page, or the next); the answer comes back on
    // this shard, to finish_resume or to continue_replay.
    void ask_log(realtime::resume_request r);
    // The log's answer to a resume: `connected`, the first page or a `resync`, then — once
    // the whole replay is queued — what arrived meanwhile.
    void finish_resume(realtime::resume_answer answer);
    // A later page of the replay under way.
    void continue_replay(realtime::resume_answer answer);
    // Asks for the next page once the send queue is at most half full.
    void next_page();
    // The replay is over: live frames held meanwhile go out (those it covered are dropped).
    void end_replay();
    // The resume ends without being served: held frames are let go.
    void drop_resume();
    // The answer cannot be served (the socket is closing, or the log could not be read:
    // then close 1013): the resume is dropped, and true.
    bool resume_failed(const realtime::resume_answer& answer);
    std::size_t page_bytes() const;
    // The resume's own frames (connected, resync, replayed events): queued in order while
    // live frames are held.
    void queue_text(std::string_view json);
    // While a resume is read, frames wait here (in order) rather than in the send queue.
    bool hold(realtime::out_frame* f, std::int64_t event_id);
    void queue(realtime::out_frame* f);  // takes a reference
    void send_text(std::string_view json);
    // A reply of ours, counted as a message out (events are counted where they fan out).
    void reply(realtime::out_frame* f);
    void release_queue(bool keep_partial_head);

    void read_ready(bool peer_done);
    void on_bytes(char* data, std::size_t n);
    void abort(std::uint16_t code);
    void finish_close();
    void log_close(std::uint16_t code) const;

    bool on_text(std::string_view message) override;
    bool on_ping(std::string_view payload) override;
    bool on_pong() override;
    bool on_fragment() override;
    void on_close(std::uint16_t code, std::string_view reason) override;
    void on_fail(std::uint16_t code, std::string_view reason) override;
    bool take_rate_token();
    // A frame that left the send queue: its bytes no longer count, our reference goes.
    void drop(realtime::out_frame* f);
    // A rate token for one more frame, or the socket is closed with 1008: false then.
    bool spend_token();
    void handle(std::string_view message);

    // What every delivery touches comes first, in two cache lines with the bases' own
    // (push, queue, flush walk 10,000 sessions per event; the rest is read far less often).
    int fd_;
    shard& shard_;
    std::uint8_t ops_ = 0;  // pending posted continuations and calls that must finish first
    state state_ = state::open;
    bool authenticated_ = false;
    bool dirty_ = false;
    bool awaiting_pong_ = false;
    bool waiting_writable_ = false;
    bool close_queued_ = false;
    bool handshake_sent_ = false;
    bool buried_ = false;
    bool registered_ = false;  // counted in shard_.users()
    std::size_t queued_bytes_ = 0;
    send_ring ring_;
    // Resume (docs/protocol.md §10): events up to skip_through_ came with the replay (or the
    // client had them) and are not sent again.
    std::int64_t skip_through_ = 0;
    // Only while a resume is under way (most sockets never resume: they do not carry it).
    struct resume_state {
        std::int64_t live_from = 0;  // the live stream starts after it
        // Live frames held, in order, until the replay is queued.
        std::vector<std::pair<realtime::out_frame*, std::int64_t>> held;
        std::size_t held_bytes = 0;
        // A replay longer than a page: where it stands.
        std::vector<std::string> rooms;
        std::int64_t from = 0;   // the last id queued
        std::int64_t up_to = 0;  // the head it was planned against
        bool paging = false;     // past the first page
        bool asked = false;      // a page is being read
    };
    std::unique_ptr<resume_state> resume_;
    // A replay longer than a page is under way.
    bool paging() const { return resume_ && resume_->paging; }

    std::uint64_t serial_;
    ws_reader reader_;
    std::string partial_;  // an unfinished frame, until the rest arrives

    auth::principal who_;
    // Open: the next ping (a ping out: the pong's deadline). Closing: the close handshake's.
    std::int64_t deadline_ms_ = 0;
    std::int64_t message_started_ms_ = 0;  // an unfinished message's first bytes; 0: none
    token_bucket rate_;
};

}  // namespace ordercast::transport
