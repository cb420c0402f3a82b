#include "transport/shard_pool.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <mutex>
#include <set>
#include <string>

namespace ordercast::transport {

shard_pool::shard_pool(unsigned count, ws_settings settings, metrics::registry& metrics)
    : users_(settings.max_sockets_per_user) {
    for (unsigned i = 0; i < count; ++i)
        shards_.push_back(
            std::make_unique<shard>(i, settings, metrics.shard(i), users_, presence_));
}

shard_pool::~shard_pool() {
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void shard_pool::deliver(std::shared_ptr<const realtime::event> e,
                         std::function<void(std::size_t)> done) {
    struct tally {
        std::atomic<std::size_t> remaining;
        std::atomic<std::size_t> recipients{0};
        std::function<void(std::size_t)> done;
    };
    auto t = std::make_shared<tally>();
    t->remaining = shards_.size();
    t->done = std::move(done);
    for (auto& s : shards_) {
        s->post_in_order([e, t, sh = s.get()] {
            // Encoded once per shard: recipients on this shard share the bytes.
            realtime::frame_ref frame(
                realtime::out_frame::make(realtime::opcode::text, e->payload));
            const std::size_t n = sh->rooms().deliver(e->rooms, frame.get(), e->id);
            // Events arrive in log order: a socket that joins now gets every later one.
            sh->last_event_id = std::max(sh->last_event_id, e->id);
            sh->stats().messages_out.fetch_add(n, std::memory_order_relaxed);
            t->recipients.fetch_add(n, std::memory_order_relaxed);
            // The publisher hears back once the frames are written: that bounds how far
            // publishing can run ahead of delivery.
            sh->after_flush([t] {
                if (t->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1 && t->done) {
                    t->done(t->recipients.load(std::memory_order_relaxed));
                }
            });
        });
    }
}

void shard_pool::count_rooms(std::function<void(std::size_t)> done) {
    struct gather {
        std::mutex lock;
        std::set<std::string> names;
        std::size_t remaining;
        std::function<void(std::size_t)> done;
    };
    auto g = std::make_shared<gather>();
    g->remaining = shards_.size();
    g->done = std::move(done);
    for (auto& s : shards_) {
        boost::asio::post(s->io(), [g, sh = s.get()] {
            std::vector<std::string> local;
            sh->rooms().for_each_room(
                [&](const std::string& name, std::size_t) { local.push_back(name); });
            std::unique_lock lock(g->lock);
            g->names.insert(local.begin(), local.end());
            if (--g->remaining == 0) {
                std::size_t n = g->names.size();
                lock.unlock();
                g->done(n);
            }
        });
    }
}

void shard_pool::reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) {
    auto shared = std::make_shared<const std::vector<std::int64_t>>(std::move(cities));
    for (auto& s : shards_) {
        boost::asio::post(s->io(), [sh = s.get(), user_id, shared] {
            sh->reassign_manager_cities(user_id, *shared);
        });
    }
}

void shard_pool::end_tokens(std::int64_t user_id, std::int64_t before_s) {
    for (auto& s : shards_)
        boost::asio::post(s->io(),
                          [sh = s.get(), user_id, before_s] { sh->end_tokens(user_id, before_s); });
}

void shard_pool::start_at(std::int64_t last_event_id, const std::string& epoch,
                          realtime::resumer* resumer) {
    for (auto& s : shards_) {
        s->last_event_id = last_event_id;
        s->epoch = epoch;
        s->resumer = resumer;
    }
}

void shard_pool::run() {
    for (std::size_t i = 1; i < shards_.size(); ++i)
        threads_.emplace_back([s = shards_[i].get()] { s->run(); });
    shards_[0]->run();
    for (auto& t : threads_) t.join();
    threads_.clear();
}

void shard_pool::shutdown() {
    // Every loop keeps running until all shards are idle: a request still in flight on one
    // shard may be waiting for a delivery on another.
    auto busy = std::make_shared<std::atomic<std::size_t>>(shards_.size());
    for (auto& s : shards_) {
        s->shutdown([this, busy] {
            if (busy->fetch_sub(1) == 1) {
                for (auto& each : shards_) each->stop_loop();
            }
        });
    }
}

}  // namespace ordercast::transport
