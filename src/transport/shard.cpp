#include "transport/shard.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <utility>

#include "realtime/protocol.hpp"
#include "transport/ws_session.hpp"
#include "util/clock.hpp"
#include "wire/close_code.hpp"

namespace ordercast::transport {
namespace {

// Keepalive, token expiry and close deadlines are checked this often; a timer per
// socket would cost memory on every idle connection.
std::chrono::milliseconds tick_period(std::uint32_t ping_interval_ms) {
    return std::chrono::milliseconds(std::clamp<std::uint32_t>(ping_interval_ms / 4, 25, 1000));
}

constexpr std::chrono::seconds shutdown_grace{3};
// Sockets written per turn of the loop. Small: every event read between slices joins the
// sockets not yet written, so each write carries more of them — at 10,000 subscribers, 8 a
// slice made 20 % fewer sendmsg calls than 256 (docs/performance.md), and a turn costs little.
constexpr std::size_t flush_slice = 8;
// Publishers are answered at once while the shard's unwritten bytes stay under this;
// past it, once writing brings them back under it (at the latest when the pass ends). Sized for two
// rounds of 16 publishes in flight to 10,000 sockets (~10 MB each): a budget under one round
// answered the first events of a round at once and the rest a pass later, a pipelining publisher
// then split its next round the same way, and every write pass carried half the events. Larger
// budgets trade fan-out p99 for throughput (measured in docs/performance.md).
constexpr std::size_t backlog_budget = 24 << 20;

}  // namespace

shard::shard(unsigned index, ws_settings settings, metrics::shard_stats& stats, user_sockets& users,
             realtime::presence& presence)
    : index_(index),
      settings_(settings),
      stats_(stats),
      users_(users),
      presence_(presence),
      work_(boost::asio::make_work_guard(io_)),
      tick_timer_(io_),
      poller_(io_),
      read_buffer_(new char[read_buffer_size]),
      write_buffer_(new char[write_buffer_size]),
      ping_(realtime::out_frame::make(realtime::opcode::ping, {})),
      pong_(realtime::out_frame::make(realtime::opcode::text, realtime::pong_message())),
      sessions_(util::steady_ms(), tick_period(settings.ping_interval_ms).count(),
                settings.ping_interval_ms) {
    schedule_tick();
}

shard::~shard() = default;

void shard::mark_dirty(ws_session& s) {
    dirty_.push_back(&s);
    schedule_flush();
}

void shard::schedule_flush() {
    if (flush_posted_) return;
    flush_posted_ = true;
    boost::asio::post(io_, [this] { flush_dirty(); });
}

void shard::flush_dirty() {
    flush_posted_ = false;
    if (flush_pos_ == flushing_.size()) {
        flushing_.clear();
        flush_pos_ = 0;
        flushing_.swap(dirty_);
        this_pass_.swap(next_pass_);
    }
    // A slice at a time, letting the loop read between slices: requests that arrive
    // meanwhile add frames to sockets not yet written, which then leave in the same write.
    const std::size_t end = std::min(flushing_.size(), flush_pos_ + flush_slice);
    for (; flush_pos_ < end; ++flush_pos_) {
        ws_session* s = flushing_[flush_pos_];
        s->on_flushed_by_shard();
        s->flush();
        s->maybe_destroy();
    }
    if (flush_pos_ == flushing_.size()) {
        // A pass is complete: whoever waited for the frames queued before it is done, and
        // when nothing is left to write, so is everyone else.
        run_waiters(this_pass_);
        if (dirty_.empty()) run_waiters(next_pass_);
    }
    if (backlog_bytes <= backlog_budget) {
        // Written back under budget: the publishers held go on now, not at the end of the
        // pass. A publisher pipelining on one connection would otherwise stall whole behind
        // one held answer (answers keep their order) until the pass ends.
        run_waiters(this_pass_);
        run_waiters(next_pass_);
    }
    if (flush_pos_ < flushing_.size() || !dirty_.empty()) schedule_flush();
}

void shard::after_flush(std::function<void()> done) {
    if (backlog_bytes <= backlog_budget || (dirty_.empty() && flush_pos_ == flushing_.size()))
        return done();
    // Behind: wait until the backlog is written back under budget, at the latest the end
    // of the pass under way (or the next one). The publisher is then at most a pass ahead
    // of the sockets, which bounds the backlog without stalling the pipeline.
    stats_.publishes_held.fetch_add(1, std::memory_order_relaxed);
    (flush_pos_ < flushing_.size() ? this_pass_ : next_pass_).push_back(std::move(done));
}

void shard::run_waiters(std::vector<std::function<void()>>& waiters) {
    if (waiters.empty()) return;
    auto ready = std::move(waiters);
    waiters.clear();
    for (auto& w : ready) w();
}

bool shard::watch(int fd, ws_session& s) {
    return poller_.add(fd, s);
}

void shard::bury(ws_session& s) {
    graveyard_.push_back(&s);
    if (reap_posted_) return;
    reap_posted_ = true;
    boost::asio::post(io_, [this] { reap(); });
}

void shard::reap() {
    reap_posted_ = false;
    auto dead = std::move(graveyard_);
    graveyard_.clear();
    for (ws_session* s : dead) delete s;
}

void shard::attach(ws_session& s) {
    sessions_.schedule(s, 0);  // its deadlines are not set yet: the next tick looks at it
}

void shard::detach(ws_session& s) {
    sessions_.remove(s);
    finish_if_idle();
}

void shard::due_by(ws_session& s, std::int64_t ms) {
    sessions_.bring_forward(s, ms);
}

void shard::detach(shutdown_listener& l) {
    listeners_.erase(&l);
    finish_if_idle();
}

void shard::finish_if_idle() {
    if (shutting_down_ && sessions_.empty() && listeners_.empty() && on_idle_) {
        tick_timer_.cancel();
        std::exchange(on_idle_, nullptr)();
    }
}

void shard::schedule_tick() {
    tick_timer_.expires_after(tick_period(settings_.ping_interval_ms));
    tick_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        tick();
        if (!shutting_down_) schedule_tick();
    });
}

void shard::tick() {
    const std::int64_t now = util::steady_ms();
    const std::int64_t unix_now = util::unix_seconds();
    sessions_.advance(now, [&](ws_session& s) {
        s.tick(now, unix_now);
        sessions_.schedule(s, s.next_due(now, unix_now));
        s.maybe_destroy();
    });
}

void shard::reassign_manager_cities(std::int64_t user_id, const std::vector<std::int64_t>& cities) {
    sessions_.for_each([&](ws_session& s) {
        if (s.is_manager(user_id)) s.reassign_cities(cities);
    });
}

void shard::end_tokens(std::int64_t user_id, std::int64_t before_s) {
    for (ws_session* s : sessions_.items()) {
        if (!s->holds_token_of(user_id, before_s)) continue;
        s->close(close_code::unauthorized, "unauthorized");
        s->maybe_destroy();
    }
}

void shard::close_session(std::uint64_t serial, std::uint16_t code, std::string_view reason) {
    ws_session* found = nullptr;
    sessions_.for_each([&](ws_session& s) {
        if (s.serial() == serial) found = &s;
    });
    if (!found) return;
    found->close(code, reason);
    found->maybe_destroy();
}

void shard::run() {
    thread_ = std::this_thread::get_id();
    // A handler that throws must not end the process: log it and keep serving the rest.
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("shard {}: a handler failed: {}", index_, e.what());
        } catch (...) {
            spdlog::error("shard {}: a handler failed with an unknown exception", index_);
        }
    }
}

void shard::shutdown(std::function<void()> on_idle) {
    boost::asio::post(io_, [this, on_idle = std::move(on_idle)]() mutable {
        on_idle_ = std::move(on_idle);
        on_shutdown();
    });
}

void shard::post_in_order(std::function<void()> task) {
    bool first;
    {
        std::lock_guard guard(in_order_lock_);
        first = in_order_.empty();
        in_order_.push_back(std::move(task));
    }
    if (first) boost::asio::post(io_, [this] { run_in_order(); });
}

void shard::run_in_order() {
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard guard(in_order_lock_);
        tasks.swap(in_order_);
    }
    for (auto& t : tasks) {
        // One failing delivery must not take the ones behind it along.
        try {
            t();
        } catch (const std::exception& e) {
            spdlog::error("shard {}: a delivery failed: {}", index_, e.what());
        }
    }
}

void shard::stop_loop() {
    boost::asio::post(io_, [this] {
        tick_timer_.cancel();
        poller_.stop();
        work_.reset();
    });
}

void shard::on_shutdown() {
    if (shutting_down_) return;
    shutting_down_ = true;
    for (ws_session* s : sessions_.items())
        s->close(close_code::going_away, "server shutting down");
    // Copy: a listener detaches itself while stopping.
    auto listeners = std::vector<shutdown_listener*>(listeners_.begin(), listeners_.end());
    for (auto* l : listeners) l->on_shutdown();
    // Whatever has not finished in time is cut off.
    tick_timer_.expires_after(shutdown_grace);
    tick_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        // A resume still waiting for the database does not hold shutdown past the grace:
        // its answer, if it ever comes, finds nobody (see ws_session::ask_log).
        auto waiting = std::exchange(resumes_, {});
        for (auto& [serial, s] : waiting) {
            s->drop_resume();
            --s->ops_;
        }
        for (ws_session* s : sessions_.items()) {
            s->abort(close_code::abnormal);
            s->maybe_destroy();
        }
        auto late = std::vector<shutdown_listener*>(listeners_.begin(), listeners_.end());
        for (auto* l : late) l->on_shutdown_deadline();
    });
    finish_if_idle();
}

}  // namespace ordercast::transport
