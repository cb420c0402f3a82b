// A reconnect storm (docs/protocol.md §10): N subscribers connected, all drop, events are
// published while they are away, all come back at once with `?since=`. Every missed event
// must arrive exactly once, in id order, or the run fails.
#include <cstdio>
#include <fstream>
#include <string>

#include "latency.hpp"
#include "scenario.hpp"

namespace ordercast::bench {
namespace {

// An event's log id (the first "id" of the frame: the top-level one).
std::int64_t event_id(std::string_view payload) {
    return number_after<std::int64_t>(payload, R"("id":)");
}

// The server's peak resident memory so far (VmHWM), in KiB; 0 without a pid.
long peak_rss_kib(long pid) {
    if (pid <= 0) return 0;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmHWM:") {
            status >> value;
            return value;
        }
    }
    return 0;
}

// Publishes `n` events to admin-orders over one keep-alive connection, one at a time, and
// waits for every 202.
bool publish(loop& l, const options& o, handlers& h, std::size_t n, const std::string& type) {
    auto& http = l.open_http();
    const std::string service = token(o, 999999, auth::role::service);
    std::size_t sent = 0, acked = 0;
    bool refused = false;
    auto next = [&] {
        if (sent == n) return;
        ++sent;
        const std::string body = R"({"rooms":["admin-orders"],"type":")" + type +
                                 R"(","data":{"n":)" + std::to_string(sent) + "}}";
        l.send(http, "POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + service +
                         "\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
    };
    auto saved = h.on_http;
    h.on_http = [&](connection&, std::string_view body) {
        ++acked;
        if (body.find(R"("error")") != std::string_view::npos) refused = true;
        next();
    };
    next();
    const bool ok = l.run_until([&] { return acked == n; },
                                now_ns() + static_cast<std::uint64_t>(o.timeout_s * 1e9), h);
    h.on_http = saved;
    return ok && !refused;
}

// Watchers' user ids: far from the subscribers' 1..N, so no room is shared.
constexpr std::int64_t watcher_id = 5'000'000;

}  // namespace

int storm(const options& o) {
    loop l(o.host, o.port, source_addresses(o.sources));
    handlers h;
    if (connect_all(l, o, o.connections, auth::role::admin, h) < 0) {
        std::printf("storm error=connect_failed open=%zu\n", l.open_count());
        return 1;
    }
    // Every subscriber learns its position from one event it receives.
    std::size_t marked = 0;
    std::int64_t since = 0;
    h.on_message = [&](connection&, std::string_view payload) {
        since = event_id(payload);
        ++marked;
    };
    if (!publish(l, o, h, 1, "mark") ||
        !l.run_until([&] { return marked == o.connections; },
                     now_ns() + static_cast<std::uint64_t>(o.timeout_s * 1e9), h)) {
        std::printf("storm error=mark_not_delivered marked=%zu\n", marked);
        return 1;
    }
    l.drop_websockets();
    if (!publish(l, o, h, o.events, "missed")) {
        std::printf("storm error=publish_failed\n");
        return 1;
    }

    // Sockets that stay connected through the storm (customers, each in its own room): a
    // tick to all of them every 10 ms while it rages, timed from publish to arrival.
    std::string watcher_rooms;
    if (o.watchers > 0) {
        const auto first = l.connections().size();
        if (connect_all(l, o, o.watchers, auth::role::user, h, "", watcher_id) < 0) {
            std::printf("storm error=watchers_failed\n");
            return 1;
        }
        for (std::size_t i = first; i < l.connections().size(); ++i)
            l.connections()[i]->watcher = true;
        for (std::size_t i = 0; i < o.watchers; ++i) {
            if (i) watcher_rooms += ',';
            watcher_rooms +=
                "\"user-" + std::to_string(watcher_id + static_cast<std::int64_t>(i)) + "\"";
        }
    }
    auto& ticker = l.open_http();
    const std::string service = token(o, 999999, auth::role::service);
    bool tick_in_flight = false;
    std::uint64_t last_tick_ns = 0;
    latency watched;
    auto maybe_tick = [&] {
        const auto now = now_ns();
        if (o.watchers == 0 || tick_in_flight || now - last_tick_ns < 10'000'000) return;
        tick_in_flight = true;
        last_tick_ns = now;
        const std::string body = "{\"rooms\":[" + watcher_rooms +
                                 "],\"type\":\"tick\",\"data\":{\"t\":" + std::to_string(now) +
                                 "}}";
        l.send(ticker, "POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + service +
                           "\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
    };
    h.on_http = [&](connection&, std::string_view) { tick_in_flight = false; };

    // Everybody back at once, each from the position it had.
    std::size_t caught_up = 0, out_of_order = 0, resyncs = 0, deliveries = 0;
    std::uint64_t last_caught_up = 0;
    latency per_client;
    h.on_message = [&](connection& c, std::string_view payload) {
        maybe_tick();
        if (c.watcher) {
            watched.add((now_ns() - number_after<std::uint64_t>(payload, R"("t":)")) / 1000);
            return;
        }
        if (payload.find(R"("type":"resync")") != std::string_view::npos) {
            ++resyncs;
            return;
        }
        const auto id = event_id(payload);
        if (id <= c.last_event_id) ++out_of_order;
        c.last_event_id = id;
        ++deliveries;
        if (++c.events == o.events) {
            ++caught_up;
            last_caught_up = now_ns();
            per_client.add((last_caught_up - c.sent_ns) / 1000);
        }
    };
    for (auto* c : l.connections()) c->last_event_id = since;
    const auto begin = now_ns();
    maybe_tick();
    const std::uint64_t cpu_before = server_cpu_us(o.server_pid);
    const std::string query = "&since=" + std::to_string(since);
    if (connect_all(l, o, o.connections, auth::role::admin, h, query) < 0) {
        std::printf("storm error=reconnect_failed open=%zu\n", l.open_count());
        return 1;
    }
    for (auto* c : l.connections()) {
        if (!c->watcher) c->last_event_id = std::max(c->last_event_id, since);
    }
    l.run_until([&] { return caught_up == o.connections || resyncs > 0; },
                begin + static_cast<std::uint64_t>(o.timeout_s * 1e9), h);
    const std::uint64_t cpu_used = server_cpu_us(o.server_pid) - cpu_before;
    // Anything more that was going to arrive (a duplicate) would have by now.
    l.run_until([] { return false; }, now_ns() + 200'000'000, h);
    per_client.finish();
    watched.finish();
    const std::size_t expected = o.connections * o.events;
    const std::size_t lost = expected - std::min(expected, deliveries);
    const std::size_t duplicated = deliveries > expected ? deliveries - expected : 0;
    std::printf(
        "storm subscribers=%zu missed_events=%zu caught_up=%zu lost=%zu duplicated=%zu "
        "out_of_order=%zu resyncs=%zu seconds=%.3f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f "
        "server_cpu_s=%.2f server_rss_peak_kib=%ld watchers=%zu watcher_deliveries=%zu "
        "watcher_p50_ms=%.1f watcher_p99_ms=%.1f watcher_max_ms=%.1f\n",
        o.connections, o.events, caught_up, lost, duplicated, out_of_order, resyncs,
        caught_up ? static_cast<double>(last_caught_up - begin) / 1e9 : 0.0,
        per_client.percentile_ms(50), per_client.percentile_ms(99), per_client.max_ms(),
        static_cast<double>(cpu_used) / 1e6, peak_rss_kib(o.server_pid), o.watchers,
        watched.count(), watched.percentile_ms(50), watched.percentile_ms(99), watched.max_ms());
    return caught_up == o.connections && lost == 0 && duplicated == 0 && out_of_order == 0 &&
                   resyncs == 0
               ? 0
               : 1;
}

}  // namespace ordercast::bench
