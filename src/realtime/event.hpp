#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ordercast::realtime {

// One event for one or more rooms, already serialized as the JSON text clients receive.
struct event {
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
};

}  // namespace ordercast::realtime
