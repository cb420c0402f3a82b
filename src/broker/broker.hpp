#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "realtime/event.hpp"

namespace ordercast::broker {

// Where every event goes before it reaches sockets. The in-process broker hands it
// straight to this process's shards; a cross-instance broker fans it out first.
class broker {
public:
    virtual ~broker() = default;
    // `done(recipients)` reports the sockets of this instance that received it; it may run
    // on any thread.
    virtual void publish(std::shared_ptr<const realtime::event> e,
                         std::function<void(std::size_t)> done) = 0;
    // A manager's cities changed: their sockets move rooms on every instance.
    virtual void reassign_manager_cities(std::int64_t user_id,
                                         std::vector<std::int64_t> cities) = 0;
    // This instance's staff online (realtime::presence::encode), for the other instances.
    virtual void share_presence(const std::string&) {}
    virtual bool healthy() const = 0;
    virtual std::string_view name() const = 0;
};

class local_broker final : public broker {
public:
    explicit local_broker(realtime::delivery& local) : local_(local) {}

    void publish(std::shared_ptr<const realtime::event> e,
                 std::function<void(std::size_t)> done) override {
        local_.deliver(std::move(e), std::move(done));
    }
    void reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) override {
        local_.reassign_manager_cities(user_id, std::move(cities));
    }
    bool healthy() const override { return true; }
    std::string_view name() const override { return "local"; }

private:
    realtime::delivery& local_;
};

}  // namespace ordercast::broker
