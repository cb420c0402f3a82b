#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ordercast::realtime {

// The largest event (its JSON text) that is ever sent to sockets: well under any socket's
// send queue, so one event can never make a whole room a slow consumer.
inline constexpr std::size_t max_event_bytes = 64 * 1024;

// One event for one or more rooms, already serialized as the JSON text clients receive;
// `id` is its position in the event log (docs/protocol.md §10).
struct event {
    std::int64_t id = 0;
    std::vector<std::string> rooms;
    std::string payload;
};

// Delivers events to the sockets of this process.
class delivery {
public:
    virtual ~delivery() = default;
    // `done(recipients)` runs once every shard has delivered, on an arbitrary thread.
    virtual void deliver(std::shared_ptr<const event> e, std::function<void(std::size_t)> done) = 0;
    // `done(rooms)`: how many distinct rooms have members, on an arbitrary thread.
    virtual void count_rooms(std::function<void(std::size_t)> done) = 0;
    // Every open socket of manager `user_id` moves to the rooms of `cities`.
    virtual void reassign_manager_cities(std::int64_t user_id,
                                         std::vector<std::int64_t> cities) = 0;
};

}  // namespace ordercast::realtime
