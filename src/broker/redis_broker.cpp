#include "broker/redis_broker.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <charconv>
#include <random>

namespace ordercast::broker {
namespace {

constexpr std::size_t max_outgoing = 100'000;
constexpr std::chrono::seconds max_outgoing_age{10};
constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds max_backoff{5000};

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

context_ptr connect(const redis_endpoint& e) {
    timeval timeout{2, 0};
    context_ptr c(redisConnectWithTimeout(e.host.c_str(), e.port, timeout));
    if (!c || c->err) return nullptr;
    if (e.db != 0) {
        reply_ptr r(static_cast<redisReply*>(redisCommand(c.get(), "SELECT %d", e.db)));
        if (!r || r->type == REDIS_REPLY_ERROR) return nullptr;
    }
    return c;
}

std::string random_instance_id() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    char buf[17];
    auto [end, ec] = std::to_chars(buf, buf + 16, dist(rd), 16);
    return std::string(buf, end);
}

}  // namespace

std::optional<redis_endpoint> parse_redis_url(const std::string& url) {
    const std::string scheme = "redis://";
    if (url.rfind(scheme, 0) != 0) return std::nullopt;
    std::string rest = url.substr(scheme.size());
    redis_endpoint e;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        std::string db = rest.substr(slash + 1);
        rest.resize(slash);
        if (!db.empty()) {
            auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
            if (ec != std::errc{} || end != db.data() + db.size() || e.db < 0 || e.db > 15)
                return std::nullopt;
        }
    }
    if (auto at = rest.rfind('@'); at != std::string::npos)
        return std::nullopt;  // no auth support yet
    if (auto colon = rest.rfind(':'); colon != std::string::npos) {
        std::string port = rest.substr(colon + 1);
        rest.resize(colon);
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
        if (ec != std::errc{} || end != port.data() + port.size() || e.port < 1 || e.port > 65535)
            return std::nullopt;
    }
    if (rest.empty()) return std::nullopt;
    e.host = rest;
    return e;
}

std::string redis_broker::encode(std::string_view instance, const realtime::event& e) {
    std::string msg(instance);
    msg += '\n';
    for (std::size_t i = 0; i < e.rooms.size(); ++i) {
        if (i) msg += ',';
        msg += e.rooms[i];
    }
    msg += '\n';
    msg += e.payload;
    return msg;
}

std::optional<std::pair<std::string, realtime::event>> redis_broker::decode(
    std::string_view message) {
    auto first = message.find('\n');
    if (first == std::string_view::npos) return std::nullopt;
    auto second = message.find('\n', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    realtime::event e;
    std::string_view rooms = message.substr(first + 1, second - first - 1);
    while (!rooms.empty()) {
        auto comma = rooms.find(',');
        e.rooms.emplace_back(rooms.substr(0, comma));
        rooms = comma == std::string_view::npos ? std::string_view() : rooms.substr(comma + 1);
    }
    if (e.rooms.empty()) return std::nullopt;
    e.payload = std::string(message.substr(second + 1));
    return std::pair{std::string(message.substr(0, first)), std::move(e)};
}

redis_broker::redis_broker(redis_endpoint endpoint, realtime::delivery& local, std::string channel)
    : endpoint_(std::move(endpoint)),
      local_(local),
      channel_(std::move(channel)),
      instance_(random_instance_id()),
      publisher_([this] { publish_loop(); }),
      subscriber_([this] { subscribe_loop(); }) {}

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
        for (;;) {
            void* raw = nullptr;
            if (redisGetReply(c.get(), &raw) != REDIS_OK) break;
            reply_ptr msg(static_cast<redisReply*>(raw));
            if (msg->type != REDIS_REPLY_ARRAY || msg->elements != 3) continue;
            const auto* payload = msg->element[2];
            if (payload->type != REDIS_REPLY_STRING) continue;
            auto decoded = decode(std::string_view(payload->str, payload->len));
            // Our own events were delivered here when they were published.
            if (!decoded || decoded->first == instance_) continue;
            local_.deliver(std::make_shared<const realtime::event>(std::move(decoded->second)),
                           nullptr);
        }
        subscriber_fd_ = -1;
        subscriber_up_ = false;
        {
            std::lock_guard guard(lock_);
            if (stopping_) return;
        }
        spdlog::warn("redis: subscription lost ({}); reconnecting", c->errstr);
    }
}

}  // namespace ordercast::broker
