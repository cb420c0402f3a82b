#include "broker/redis_broker.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>

#include <boost/json.hpp>
#include <charconv>

#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"
#include "util/decimal_id.hpp"
#include "util/form_fields.hpp"
#include "util/guarded.hpp"
#include "util/random_id.hpp"

namespace ordercast::broker {
namespace {

constexpr std::size_t max_outgoing = 100'000;
constexpr std::chrono::seconds max_outgoing_age{10};
constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds max_backoff{5000};
constexpr std::chrono::milliseconds subscriber_quiet{3000};

}  // namespace

redis_broker::redis_broker(redis_endpoint endpoint, realtime::delivery& local,
                           std::function<void()> on_subscribed, std::string channel,
                           presence_fn on_presence)
    : endpoint_(std::move(endpoint)),
      local_(local),
      on_subscribed_(std::move(on_subscribed)),
      on_presence_(std::move(on_presence)),
      channel_(std::move(channel)),
      instance_(util::random_id()),
      publisher_([this] { util::run_guarded("redis publisher", [this] { publish_loop(); }); }),
      subscriber_([this] { util::run_guarded("redis subscriber", [this] { subscribe_loop(); }); }) {
}

redis_broker::~redis_broker() {
    {
        std::lock_guard guard(lock_);
        stopping_ = true;
    }
    wake_.notify_all();
    // The subscriber blocks in a read: cutting its socket wakes it.
    if (int fd = subscriber_fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
    publisher_.join();
    subscriber_.join();
}

void redis_broker::publish(std::shared_ptr<const realtime::event> e,
                           std::function<void(std::size_t)> done) {
    std::string message = encode(instance_, *e);
    local_.deliver(std::move(e), std::move(done));
    enqueue(std::move(message));
}

void redis_broker::reassign_manager_cities(std::int64_t user_id, std::vector<std::int64_t> cities) {
    std::string message = encode(instance_, manager_cities_change{user_id, cities});
    local_.reassign_manager_cities(user_id, std::move(cities));
    enqueue(std::move(message));
}

void redis_broker::enqueue(std::string message) {
    {
        std::lock_guard guard(lock_);
        if (outgoing_.size() >= max_outgoing) outgoing_.pop_front();
        outgoing_.emplace_back(std::chrono::steady_clock::now(), std::move(message));
    }
    wake_.notify_all();
}

bool redis_broker::sleep_for(std::chrono::milliseconds d) {
    std::unique_lock guard(lock_);
    return !wake_.wait_for(guard, d, [this] { return stopping_; });
}

void redis_broker::publish_loop() {
    auto backoff = first_backoff;
    context_ptr c;
    for (;;) {
        if (!c) {
            c = connect(endpoint_);
            if (!c) {
                publisher_up_ = false;
                if (!sleep_for(backoff)) return;
                backoff = std::min(backoff * 2, max_backoff);
                continue;
            }
            publisher_up_ = true;
            backoff = first_backoff;
        }
        std::pair<std::chrono::steady_clock::time_point, std::string> item;
        {
            std::unique_lock guard(lock_);
            wake_.wait(guard, [this] { return stopping_ || !outgoing_.empty(); });
            if (stopping_) return;
            item = std::move(outgoing_.front());
            outgoing_.pop_front();
        }
        if (std::chrono::steady_clock::now() - item.first > max_outgoing_age) continue;
        const std::string& message = item.second;
        reply_ptr r(static_cast<redisReply*>(redisCommand(c.get(), "PUBLISH %b %b", channel_.data(),
                                                          channel_.size(), message.data(),
                                                          message.size())));
        if (!r) {
            // The connection died (often found only now, by this write): send the message
            // again once reconnected rather than lose it.
            spdlog::warn("redis: publish failed ({}); reconnecting", c->errstr);
            c.reset();
            publisher_up_ = false;
            std::lock_guard guard(lock_);
            if (outgoing_.size() < max_outgoing) outgoing_.push_front(std::move(item));
        }
    }
}

const char* redis_broker::listen(redisContext& c) {
    // A connection can die without a reset (a partition, a host that lost power): after
    // `quiet` without a byte the subscriber PINGs, and without an answer `quiet` later it
    // gives the connection up. Nothing blocks for longer than that.
    bool pinged = false;
    for (;;) {
        void* raw = nullptr;
        if (redisGetReplyFromReader(&c, &raw) != REDIS_OK) return "protocol error";
        if (raw) {
            handle(*reply_ptr(static_cast<redisReply*>(raw)));
            continue;
        }
        pollfd fd{c.fd, POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(subscriber_quiet.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
            if (pinged) return "no answer to PING";
            int done = 0;
            if (redisAppendCommand(&c, "PING") != REDIS_OK) return "cannot send PING";
            while (!done) {
                if (redisBufferWrite(&c, &done) != REDIS_OK) return "cannot send PING";
            }
            pinged = true;
            continue;
        }
        if (redisBufferRead(&c) != REDIS_OK) return c.errstr[0] ? c.errstr : "connection closed";
        pinged = false;  // anything that arrives shows the connection is alive
    }
}

void redis_broker::handle(const redisReply& msg) {
    // Messages are ["message", channel, payload]; PING answers ["pong", ""] are not.
    if (msg.type != REDIS_REPLY_ARRAY || msg.elements != 3) return;
    const auto* payload = msg.element[2];
    if (payload->type != REDIS_REPLY_STRING) return;
    auto decoded = decode(std::string_view(payload->str, payload->len));
    if (!decoded) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    // Our own messages took effect here when they were published.
    if (decoded->instance == instance_) return;
    if (auto* e = std::get_if<realtime::event>(&decoded->body)) {
        local_.deliver(std::make_shared<const realtime::event>(std::move(*e)), nullptr);
    } else if (auto* change = std::get_if<manager_cities_change>(&decoded->body)) {
        local_.reassign_manager_cities(change->user_id, std::move(change->cities));
    } else if (on_presence_) {
        on_presence_(decoded->instance, std::move(std::get<presence_report>(decoded->body).people));
    }
}

void redis_broker::share_presence(const std::string& encoded) {
    enqueue(encode_presence(instance_, encoded));
}

void redis_broker::subscribe_loop() {
    auto backoff = first_backoff;
    for (;;) {
        {
            std::lock_guard guard(lock_);
            if (stopping_) return;
        }
        context_ptr c = connect(endpoint_);
        reply_ptr r;
        if (c)
            r.reset(static_cast<redisReply*>(
                redisCommand(c.get(), "SUBSCRIBE %b", channel_.data(), channel_.size())));
        if (!c || !r) {
            subscriber_up_ = false;
            if (!sleep_for(backoff)) return;
            backoff = std::min(backoff * 2, max_backoff);
            continue;
        }
        subscriber_fd_ = c->fd;
        {
            std::lock_guard guard(lock_);
            if (stopping_) return;
        }
        subscriber_up_ = true;
        backoff = first_backoff;
        spdlog::info("redis: subscribed to {} on {}:{}", channel_, endpoint_.host, endpoint_.port);
        if (on_subscribed_) on_subscribed_();
        const char* lost = listen(*c);
        subscriber_fd_ = -1;
        subscriber_up_ = false;
        {
            std::lock_guard guard(lock_);
            if (stopping_) return;
        }
        spdlog::warn("redis: subscription lost ({}); reconnecting", lost);
    }
}

}  // namespace ordercast::broker
