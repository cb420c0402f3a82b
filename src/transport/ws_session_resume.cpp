// Resuming a socket from the event log (docs/protocol.md §10): what the session holds back while
// the log is read, and how replay and live events are put in order.
#include <boost/asio/post.hpp>

#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "transport/shard.hpp"
#include "transport/ws_session.hpp"
#include "wire/close_code.hpp"

namespace ordercast::transport {

std::size_t ws_session::page_bytes() const {
    // Half the send queue: a page always fits beside what is still unwritten.
    return std::max<std::size_t>(1, shard_.settings().send_queue_bytes / 2);
}

void ws_session::ask_log(realtime::resume_request r) {
    ++ops_;
    // The answer finds the session through its shard by serial: at shutdown the shard may
    // have let the session go without waiting for the database (shard::on_shutdown).
    shard_.resumes_.emplace(serial_, this);
    auto back = [&owner = shard_, serial = serial_](realtime::resume_answer answer) {
        boost::asio::post(owner.io(), [&owner, serial, answer = std::move(answer)]() mutable {
            auto it = owner.resumes_.find(serial);
            if (it == owner.resumes_.end()) return;
            ws_session* s = it->second;
            owner.resumes_.erase(it);
            if (s->paging()) {
                s->continue_replay(std::move(answer));
            } else {
                s->finish_resume(std::move(answer));
            }
            --s->ops_;
            s->maybe_destroy();
        });
    };
    if (shard_.resumer) {
        shard_.resumer->resume(std::move(r), std::move(back));
    } else {
        back({});
    }
}

bool ws_session::resume_failed(const realtime::resume_answer& answer) {
    if (state_ != state::open) {
        drop_resume();
        return true;
    }
    if (answer.result == realtime::resume_answer::outcome::unavailable) {
        drop_resume();
        close(close_code::try_again_later, "event log unavailable; retry");
        return true;
    }
    return false;
}

void ws_session::drop_resume() {
    if (!resume_) return;
    for (auto& held : resume_->held) held.first->release();
    resume_.reset();
}

void ws_session::finish_resume(realtime::resume_answer answer) {
    if (resume_failed(answer)) return;
    const bool recovered = answer.result == realtime::resume_answer::outcome::replayed;
    // The log's head as the database saw it, which may be ahead of this instance's live
    // stream: the replay (or the client's reload after a resync) covers everything up to it,
    // and the live stream's copies of those events are not sent again.
    const auto head = std::max(resume_->live_from, answer.head);
    queue_text(realtime::connected_message(who_, head, shard_.epoch, recovered));
    skip_through_ = std::max(head, answer.since);
    if (!recovered) {
        queue_text(realtime::resync_message(realtime::resync_reason(answer.result), head));
        return end_replay();
    }
    for (const auto& text : answer.events) queue_text(text);
    if (!answer.more) return end_replay();
    // More than a page: the rest is read page by page as the client reads.
    resume_->rooms = realtime::automatic_rooms(who_);
    resume_->from = answer.last_id;
    resume_->up_to = answer.head;
    resume_->paging = true;
    next_page();
}

void ws_session::continue_replay(realtime::resume_answer answer) {
    resume_->asked = false;
    if (resume_failed(answer)) return;
    if (answer.result != realtime::resume_answer::outcome::replayed) {
        // Pruned under the replay (a resume older than the retention, at its very end):
        // what is left cannot be served exactly — say so rather than skip it.
        queue_text(realtime::resync_message(realtime::resync_reason(answer.result), skip_through_));
        return end_replay();
    }
    for (const auto& text : answer.events) queue_text(text);
    if (!answer.more) return end_replay();
    resume_->from = answer.last_id;
    next_page();
}

void ws_session::queue_text(std::string_view json) {
    // Past the hold and the bound: a page is at most half the send queue, and the next is
    // asked for only once the queue is at most half full.
    realtime::frame_ref f(realtime::out_frame::make(realtime::opcode::text, json));
    f->retain();
    queue(f.get());
    shard_.stats().messages_out.fetch_add(1, std::memory_order_relaxed);
}

void ws_session::next_page() {
    if (!paging() || resume_->asked || state_ != state::open) return;
    if (queued_bytes_ > shard_.settings().send_queue_bytes / 2) return;  // after more is written
    resume_->asked = true;
    realtime::resume_request r{{}, resume_->rooms};
    r.page_bytes = page_bytes();
    r.from = resume_->from;
    r.up_to = resume_->up_to;
    ask_log(std::move(r));
}

void ws_session::end_replay() {
    // Taken out first: what is queued now is no longer held.
    const auto done = std::move(resume_);
    for (auto& [f, id] : done->held) {
        if (id == 0 || id > skip_through_) {
            queue(f);  // the reference the hold had
        } else {
            f->release();
        }
    }
}

bool ws_session::hold(realtime::out_frame* f, std::int64_t event_id) {
    resume_->held_bytes += f->size();
    if (resume_->held_bytes > shard_.settings().send_queue_bytes) {
        shard_.stats().slow_consumer_drops.fetch_add(1, std::memory_order_relaxed);
        drop_resume();
        close(close_code::policy_violation, "slow consumer");
        return false;
    }
    f->retain();
    resume_->held.emplace_back(f, event_id);
    return true;
}

}  // namespace ordercast::transport
