#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "broker/broker.hpp"
#include "broker/redis_connection.hpp"
#include "realtime/presence.hpp"

struct redisContext;
struct redisReply;

namespace ordercast::broker {

// A manager's new cities, for every instance's sockets.
struct manager_cities_change {
    std::int64_t user_id = 0;
    std::vector<std::int64_t> cities;
};

// An instance's staff online (realtime::presence::encode), said every couple of seconds.
struct presence_report {
    std::unordered_map<std::int64_t, realtime::presence::person> people;
};

// One message on the channel: who published it, and an event or a control message.
struct redis_message {
    std::string instance;
    std::variant<realtime::event, manager_cities_change, presence_report> body;
};

// Fans events out across instances through Redis pub/sub (hiredis). Every event is
// delivered to this instance's sockets at once (so `recipients` and local delivery never
// wait for Redis) and published on one channel, tagged with this instance's id; each
// instance delivers what others published to its own sockets. While Redis is down, local
// delivery goes on, `healthy()` is false, and both connections retry with backoff.
class redis_broker final : public broker {
public:
    // `on_subscribed` runs on the subscriber's thread each time the subscription is (re)made:
    // what other instances published while it was down is in the event log, not in Redis.
    // `on_presence(instance, people)` hears the other instances' presence reports.
    using presence_fn = std::function<void(
        const std::string& instance, std::unordered_map<std::int64_t, realtime::presence::person>)>;
    redis_broker(redis_endpoint endpoint, realtime::delivery& local,
                 std::function<void()> on_subscribed = nullptr,
                 std::string channel = "ordercast:events", presence_fn on_presence = nullptr);
    ~redis_broker() override;
    redis_broker(const redis_broker&) = delete;
    redis_broker& operator=(const redis_broker&) = delete;

    void publish(std::shared_ptr<const realtime::event> e,
                 std::function<void(std::size_t)> done) override;
    void reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) override;
    void share_presence(const std::string& encoded) override;
    bool healthy() const override { return publisher_up_ && subscriber_up_; }
    std::string_view name() const override { return "redis"; }
    // Messages read from Redis and dropped as invalid (forged or corrupt).
    std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

    // Wire format: "<instance>\n<room>,<room>...\n<payload>" for an event,
    // "<instance>\n!manager-cities\n<userId>:<city>,<city>..." for a manager's cities.
    static std::string encode(std::string_view instance, const realtime::event& e);
    static std::string encode(std::string_view instance, const manager_cities_change& c);
    static std::string encode(std::string_view instance, const presence_report& r);
    // The same, of people already encoded (realtime::presence::encode).
    static std::string encode_presence(std::string_view instance, std::string_view people);
    // Anyone who reaches Redis can publish on the channel: everything is checked like
    // client input (room grammar, event size, JSON and so UTF-8, ids), or refused.
    static std::optional<redis_message> decode(std::string_view message);

private:
    void enqueue(std::string message);
    // Reads the subscription until the connection fails or goes quiet; returns why.
    const char* listen(redisContext& c);
    void handle(const redisReply& msg);
    void publish_loop();
    void subscribe_loop();
    bool sleep_for(std::chrono::milliseconds d);  // false when stopping

    redis_endpoint endpoint_;
    realtime::delivery& local_;
    std::function<void()> on_subscribed_;
    presence_fn on_presence_;
    std::string channel_;
    std::string instance_;
    std::atomic<bool> publisher_up_{false};
    std::atomic<bool> subscriber_up_{false};
    std::atomic<int> subscriber_fd_{-1};
    std::atomic<std::uint64_t> dropped_{0};

    std::mutex lock_;
    std::condition_variable wake_;
    // Waiting to be published. Bounded in count and age: across a short outage other
    // instances still get what was published meanwhile; after a long one, stale events go.
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> outgoing_;
    bool stopping_ = false;
    std::thread publisher_;
    std::thread subscriber_;
};

}  // namespace ordercast::broker
