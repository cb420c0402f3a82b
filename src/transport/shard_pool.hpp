#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.hpp"
#include "realtime/event.hpp"
#include "realtime/presence.hpp"
#include "realtime/resume.hpp"
#include "transport/shard.hpp"

namespace ordercast::transport {

// The shards of the process, one thread each. An event is posted once to every shard;
// each delivers to its own sockets.
class shard_pool final : public realtime::delivery {
public:
    shard_pool(unsigned count, ws_settings settings, metrics::registry& metrics);
    ~shard_pool() override;

    std::size_t size() const { return shards_.size(); }
    // The staff with a socket open on this instance.
    const realtime::presence& presence() const { return presence_; }
    shard& at(std::size_t i) { return *shards_[i]; }

    void deliver(std::shared_ptr<const realtime::event> e,
                 std::function<void(std::size_t)> done) override;
    void count_rooms(std::function<void(std::size_t)> done) override;

    // Thread-safe: every open socket of manager `user_id` moves to the rooms of `cities`.
    void reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) override;
    // Thread-safe: every shard closes `user_id`'s sockets whose token predates `before_s`.
    void end_tokens(std::int64_t user_id, std::int64_t before_s);

    // Before run(): where the event log stands (the live stream starts after it), the
    // log's epoch and who serves resumes.
    void start_at(std::int64_t last_event_id, const std::string& epoch, realtime::resumer* resumer);

    // Starts one thread per shard except shard 0, which runs on the caller's thread
    // until every shard has shut down.
    void run();
    void shutdown();

private:
    user_sockets users_;  // before the shards, which refer to it
    realtime::presence presence_;
    std::vector<std::unique_ptr<shard>> shards_;
    std::vector<std::thread> threads_;
};

}  // namespace ordercast::transport
