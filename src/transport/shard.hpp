#pragma once

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "metrics/registry.hpp"
#include "realtime/frame.hpp"
#include "realtime/hub.hpp"
#include "realtime/presence.hpp"
#include "realtime/resume.hpp"
#include "transport/poller.hpp"
#include "transport/user_sockets.hpp"
#include "util/timer_wheel.hpp"

namespace ordercast::transport {

class ws_session;

// What every WebSocket session of a shard obeys.
struct ws_settings {
    std::size_t send_queue_bytes = 1 << 20;
    std::uint32_t ping_interval_ms = 30000;
    std::uint32_t rate_limit_per_s = 100;
    std::uint32_t max_sockets_per_user = 16;
};

// Something a shard must stop when the server shuts down (an HTTP connection).
class shutdown_listener {
public:
    // Finish what is in flight, take nothing new.
    virtual void on_shutdown() = 0;
    // The grace period is over: stop now.
    virtual void on_shutdown_deadline() = 0;

protected:
    ~shutdown_listener() = default;
};

// One core's slice of the server: an io_context run by one thread, the sockets it owns
// and its part of the room index. Everything here is touched only by that thread, so the
// delivery path takes no lock.
class shard {
public:
    shard(unsigned index, ws_settings settings, metrics::shard_stats& stats, user_sockets& users,
          realtime::presence& presence);
    ~shard();

    unsigned index() const { return index_; }
    boost::asio::io_context& io() { return io_; }
    realtime::hub& rooms() { return hub_; }
    metrics::shard_stats& stats() { return stats_; }
    const ws_settings& settings() const { return settings_; }
    user_sockets& users() { return users_; }
    realtime::presence& presence() { return presence_; }
    bool shutting_down() const { return shutting_down_; }
    // For debug assertions: true on the thread that runs this shard (or before it runs).
    bool on_own_thread() const {
        return thread_ == std::thread::id() || thread_ == std::this_thread::get_id();
    }

    // Scratch space for reads; a session keeps only the bytes of an unfinished frame.
    std::span<char> read_buffer() { return {read_buffer_.get(), read_buffer_size}; }
    // Scratch for writes: a socket's small frames are copied here to leave in one buffer.
    std::span<char> write_buffer() { return {write_buffer_.get(), write_buffer_size}; }
    realtime::out_frame* ping_frame() { return ping_.get(); }
    realtime::out_frame* pong_message_frame() { return pong_.get(); }

    // Corking: a session with new frames is written once, after the handlers already
    // queued on this loop have run, with everything it has gathered by then.
    void mark_dirty(ws_session& s);
    // Runs `done` at once while the shard keeps up; when its unwritten backlog is over
    // budget, once it is written back under it (at the latest after the current write
    // pass): backpressure for publishers.
    void after_flush(std::function<void()> done);

    void attach(ws_session& s);
    void detach(ws_session& s);
    // `s` has something to do at `ms` (steady clock): its tick comes then, if not earlier.
    // Each session is filed at its next deadline, so idle sockets cost nothing between them.
    void due_by(ws_session& s, std::int64_t ms);
    // Watches an upgraded socket's descriptor for `s`.
    bool watch(int fd, ws_session& s);
    // Deletes `s` once the current handler is done: the poller may still hold an event
    // for it in the batch being dispatched.
    void bury(ws_session& s);
    void attach(shutdown_listener& l) { listeners_.insert(&l); }
    void detach(shutdown_listener& l);

    // Runs the loop on the calling thread until stop_loop().
    void run();
    // Thread-safe: close every socket with 1001 and refuse new work; `on_idle` runs once
    // on this shard's thread when nothing is left.
    void shutdown(std::function<void()> on_idle);
    // Thread-safe: runs `task` on this shard's thread after every task handed in before it,
    // whichever thread handed them in. Event delivery goes through here: Asio runs a post
    // made from the loop's own thread only after the handler under way returns, behind
    // posts other threads made meanwhile, so posting each event could let event N+1 (from
    // a database thread) overtake event N (handed over on the shard's own thread).
    void post_in_order(std::function<void()> task);
    // Thread-safe: let run() return. Until then the shard still runs what other shards
    // post to it (a publish waits for every shard's delivery).
    void stop_loop();

    static constexpr std::size_t read_buffer_size = 64 * 1024 + 16;
    static constexpr std::size_t write_buffer_size = 64 * 1024;

    // Bytes queued on this shard's sockets and not yet written.
    std::size_t backlog_bytes = 0;
    // The id of the last event this shard delivered: a socket joining its rooms now gets
    // every event after it.
    std::int64_t last_event_id = 0;
    // The event log's epoch (docs/protocol.md §10), sent in every `connected`.
    std::string epoch;
    // Serves `?since=` resumes; none: sockets that ask for one get `unavailable`.
    realtime::resumer* resumer = nullptr;
    // Sessions waiting for the log's answer to their resume, by serial: at shutdown they are
    // let go without that answer.
    std::unordered_map<std::uint64_t, ws_session*> resumes_;

    void reassign_manager_cities(std::int64_t user_id, const std::vector<std::int64_t>& cities);
    // Closes with 4001 the sessions of `user_id` whose token was issued before `before_s`:
    // the account's password changed, or the account was removed (docs/protocol.md §2).
    void end_tokens(std::int64_t user_id, std::int64_t before_s);
    // Closes the session numbered `serial` if it is still open on this shard.
    void close_session(std::uint64_t serial, std::uint16_t code, std::string_view reason);

private:
    void schedule_tick();
    void tick();
    void schedule_flush();
    void reap();
    static void run_waiters(std::vector<std::function<void()>>& waiters);
    void flush_dirty();
    void on_shutdown();
    void finish_if_idle();
    void run_in_order();

    unsigned index_;
    ws_settings settings_;
    metrics::shard_stats& stats_;
    user_sockets& users_;
    realtime::presence& presence_;
    boost::asio::io_context io_{1};
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    boost::asio::steady_timer tick_timer_;
    realtime::hub hub_;
    poller poller_;
    std::vector<ws_session*> graveyard_;
    bool reap_posted_ = false;
    std::unique_ptr<char[]> read_buffer_;
    std::unique_ptr<char[]> write_buffer_;
    realtime::frame_ref ping_;
    realtime::frame_ref pong_;
    std::vector<ws_session*> dirty_;
    std::vector<ws_session*> flushing_;
    std::size_t flush_pos_ = 0;                     // next of flushing_ to write
    std::vector<std::function<void()>> this_pass_;  // waiting for the pass under way
    std::vector<std::function<void()>> next_pass_;  // waiting for the pass after it
    bool flush_posted_ = false;
    // Every session of this shard, filed by its next deadline.
    util::timer_wheel<ws_session> sessions_;
    std::unordered_set<shutdown_listener*> listeners_;
    bool shutting_down_ = false;
    std::function<void()> on_idle_;
    std::thread::id thread_;
    std::mutex in_order_lock_;
    std::vector<std::function<void()>> in_order_;  // guarded by in_order_lock_
};

}  // namespace ordercast::transport
