// Resuming a socket from the event log (PROTOCOL.md §10): what the session holds back while
// the log is read, and how replay and live events are put in order.
#include "realtime/protocol.hpp"
#include "transport/close_code.hpp"
#include "transport/shard.hpp"
#include "transport/ws_session.hpp"

namespace ordercast::transport {

void ws_session::finish_resume(realtime::resume_answer answer) {
    resuming_ = false;
    if (state_ != state::open) return release_held();
    using outcome = realtime::resume_answer::outcome;
    if (answer.result == outcome::unavailable) {
        release_held();
        return close(close_code::try_again_later, "event log unavailable; retry");
    }
    const bool recovered = answer.result == outcome::replayed;
    // The log's head as the database saw it, which may be ahead of this instance's live
    // stream: the replay (or the client's reload after a resync) covers everything up to it,
    // and the live stream's copies of those events are not sent again.
    const auto head = std::max(live_from_, answer.head);
    send_text(realtime::connected_message(who_, head, shard_.epoch, recovered));
    skip_through_ = std::max(head, answer.since);
    if (!recovered) {
        send_text(realtime::resync_message(realtime::resync_reason(answer.result), head));
    } else {
        // Bounded by REPLAY_LIMIT events of at most 64 KiB each: never a slow consumer for
        // what it asked to be sent at once.
        for (const auto& text : answer.events) {
            realtime::frame_ref f(realtime::out_frame::make(realtime::opcode::text, text));
            f->retain();
            queue(f.get());
        }
        shard_.stats().messages_out.fetch_add(answer.events.size(), std::memory_order_relaxed);
    }
    for (auto& [f, id] : held_) {
        if (id == 0 || id > skip_through_) {
            queue(f);  // the reference held_ had
        } else {
            f->release();
        }
    }
    held_.clear();
    held_bytes_ = 0;
}

bool ws_session::hold(realtime::out_frame* f, std::int64_t event_id) {
    held_bytes_ += f->size();
    if (held_bytes_ > shard_.settings().send_queue_bytes) {
        shard_.stats().slow_consumer_drops.fetch_add(1, std::memory_order_relaxed);
        release_held();
        resuming_ = false;
        close(close_code::policy_violation, "slow consumer");
        return false;
    }
    f->retain();
    held_.emplace_back(f, event_id);
    return true;
}

void ws_session::release_held() {
    for (auto& held : held_) held.first->release();
    held_.clear();
    held_bytes_ = 0;
}

}  // namespace ordercast::transport
