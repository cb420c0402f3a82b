// The load generator of bench/compare.sh: one thread, epoll, its own HS256 tokens.
// Scenarios print one line of key=value figures.
//   loadgen --port P --secret S --scenario fanout --connections 10000 --events 100 --window 16
//   loadgen ... --scenario echo --connections 1000 --duration-s 5
//   loadgen ... --scenario connect --connections 10000
//   loadgen ... --scenario hold --connections 15000 --hold-s 10 [--spread-s 60]
//   loadgen ... --scenario fanout --port2 P2   (subscribers split over two instances)
//   loadgen ... --scenario fanout --events 40 --interval-ms 250   (a quiet stream)
//   loadgen ... --scenario storm --connections 10000 --events 50 --server-pid PID
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "auth/jwt.hpp"
#include "latency.hpp"
#include "loop.hpp"
#include "scenario.hpp"
#include "util/clock.hpp"

using namespace ordercast;
using namespace ordercast::bench;

namespace ordercast::bench {

// The server's CPU time so far, user and system apart, in microseconds (from
// /proc/PID/stat); zeros without a pid.
server_cpu server_cpu_split(long pid) {
    if (pid <= 0) return {};
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces) start after the last ')'.
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    const auto hz = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
    return {utime * 1'000'000 / hz, stime * 1'000'000 / hz};
}

// This process's own CPU time so far (user + system), in microseconds.
std::uint64_t own_cpu_us() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto us = [](const timeval& t) {
        return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 +
               static_cast<std::uint64_t>(t.tv_usec);
    };
    return us(u.ru_utime) + us(u.ru_stime);
}

std::uint64_t server_cpu_us(long pid) {
    const auto cpu = server_cpu_split(pid);
    return cpu.user_us + cpu.system_us;
}

options parse(int argc, char** argv) {
    options o;
    std::map<std::string, std::string> kv;
    for (int i = 1; i + 1 < argc; i += 2) kv[argv[i]] = argv[i + 1];
    auto num = [&](const char* k, auto& field) {
        if (auto it = kv.find(k); it != kv.end()) {
            std::from_chars(it->second.data(), it->second.data() + it->second.size(), field);
        }
    };
    if (kv.count("--host")) o.host = kv["--host"];
    if (kv.count("--secret")) o.secret = kv["--secret"];
    if (kv.count("--scenario")) o.scenario = kv["--scenario"];
    num("--port", o.port);
    num("--port2", o.port2);
    num("--connections", o.connections);
    num("--events", o.events);
    num("--window", o.window);
    num("--producers", o.producers);
    num("--sources", o.sources);
    num("--concurrency", o.concurrency);
    num("--watchers", o.watchers);
    if (kv.count("--duration-s")) o.duration_s = std::stod(kv["--duration-s"]);
    if (kv.count("--hold-s")) o.hold_s = std::stod(kv["--hold-s"]);
    if (kv.count("--spread-s")) o.spread_s = std::stod(kv["--spread-s"]);
    if (kv.count("--interval-ms")) o.interval_ms = std::stod(kv["--interval-ms"]);
    if (kv.count("--timeout-s")) o.timeout_s = std::stod(kv["--timeout-s"]);
    num("--server-pid", o.server_pid);
    o.parsed_ping = kv.count("--parsed-ping") && kv["--parsed-ping"] == "1";
    return o;
}

std::string token(const options& o, std::int64_t user_id, auth::role role) {
    auth::principal p;
    p.user_id = user_id;
    p.who = role;
    auto now = util::unix_seconds();
    p.expires_at = now + 3600;
    return auth::sign_hs256(p, o.secret, now);
}

std::vector<std::string> source_addresses(std::size_t n) {
    std::vector<std::string> s;
    for (std::size_t i = 1; i <= n; ++i) s.push_back("127.0.0." + std::to_string(i));
    return s;
}

double seconds_since(std::uint64_t start) {
    return static_cast<double>(now_ns() - start) / 1e9;
}

double connect_all(loop& l, const options& o, std::size_t n, auth::role role, handlers& h,
                   const std::string& query, std::int64_t first_id) {
    std::size_t started = 0;
    // Sockets already open or closed before this call do not count towards `n`.
    const std::size_t open_before = l.open_count(), closed_before = l.closed_count();
    auto start_one = [&] {
        auto& c =
            l.open_websocket(token(o, first_id + static_cast<std::int64_t>(started), role), query);
        c.sent_ns = now_ns();
        ++started;
    };
    auto user_open = h.on_open;
    h.on_open = [&](connection& c) {
        if (user_open) user_open(c);
        if (started < n) start_one();
    };
    const auto begin = now_ns();
    while (started < std::min(n, o.concurrency)) start_one();
    bool ok = l.run_until(
        [&] { return l.open_count() + l.closed_count() >= open_before + closed_before + n; },
        begin + static_cast<std::uint64_t>(o.timeout_s * 1e9), h);
    h.on_open = user_open;
    double took = seconds_since(begin);
    return ok && l.closed_count() == closed_before ? took : -took;
}

}  // namespace ordercast::bench

namespace {

int fanout(const options& o) {
    loop l(o.host, o.port, source_addresses(o.sources));
    if (o.port2) l.add_port(o.port2);
    handlers h;
    double connect_s = connect_all(l, o, o.connections, auth::role::admin, h);
    if (connect_s < 0) {
        std::printf("fanout error=connect_failed open=%zu\n", l.open_count());
        return 1;
    }
    const std::string service = token(o, 999999, auth::role::service);
    std::size_t published = 0, acked = 0, deliveries = 0;
    std::uint64_t first_ns = 0, last_ns = 0;
    latency lat;
    auto publish = [&](connection& c) {
        if (published >= o.events) return;
        ++published;
        const std::string body = R"({"rooms":["admin-orders"],"type":"bench","data":{"t":)" +
                                 std::to_string(now_ns()) + "}}";
        l.send(c, "POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + service +
                      "\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    };
    h.on_message = [&](connection&, std::string_view payload) {
        std::uint64_t now = now_ns();
        lat.add((now - number_after<std::uint64_t>(payload, R"("t":)")) / 1000);
        ++deliveries;
        last_ns = now;
    };
    const bool paced = o.interval_ms > 0;
    h.on_http = [&](connection& c, std::string_view) {
        ++acked;
        if (!paced) publish(c);
    };
    // Fewer producers than publishes in flight: each keep-alive connection pipelines
    // window / producers requests, and every answer sends the next one on it. Paced: one
    // connection, one publish per interval whatever the answers do.
    std::vector<connection*> producers;
    const std::size_t connections = paced         ? 1
                                    : o.producers ? std::min(o.producers, o.window)
                                                  : o.window;
    for (std::size_t i = 0; i < connections; ++i) producers.push_back(&l.open_http());
    first_ns = now_ns();
    const auto cpu_before = server_cpu_split(o.server_pid);
    const auto own_before = own_cpu_us();
    if (paced) {
        const auto interval_ns = static_cast<std::uint64_t>(o.interval_ms * 1e6);
        for (std::size_t i = 0; i < o.events; ++i) {
            l.run_until([] { return false; }, first_ns + i * interval_ns, h);
            publish(*producers[0]);
        }
    } else {
        for (std::size_t i = 0; i < o.window; ++i) publish(*producers[i % connections]);
    }
    const std::size_t expected = o.connections * o.events;
    l.run_until([&] { return acked == o.events && deliveries >= expected; },
                first_ns + static_cast<std::uint64_t>(o.timeout_s * 1e9), h);
    const auto cpu_after = server_cpu_split(o.server_pid);
    const std::uint64_t own_used = own_cpu_us() - own_before;
    const std::uint64_t user_used = cpu_after.user_us - cpu_before.user_us;
    const std::uint64_t cpu_used = user_used + cpu_after.system_us - cpu_before.system_us;
    lat.finish();
    const auto per_delivery = [&](std::uint64_t us) {
        return deliveries ? static_cast<double>(us) / static_cast<double>(deliveries) : 0.0;
    };
    double secs = static_cast<double>(last_ns - first_ns) / 1e9;
    std::printf(
        "fanout subscribers=%zu events=%zu window=%zu producers=%zu interval_ms=%g deliveries=%zu "
        "lost=%zu "
        "seconds=%.3f "
        "deliveries_per_s=%.0f "
        "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f server_cpu_us_per_delivery=%.3f "
        "server_user_us_per_delivery=%.3f server_system_us_per_delivery=%.3f "
        "generator_cpu_us_per_delivery=%.3f\n",
        o.connections, o.events, paced ? 0 : o.window, connections, o.interval_ms, deliveries,
        expected - std::min(expected, deliveries), secs, static_cast<double>(deliveries) / secs,
        lat.percentile_ms(50), lat.percentile_ms(99), lat.max_ms(), per_delivery(cpu_used),
        per_delivery(user_used), per_delivery(cpu_used - user_used), per_delivery(own_used));
    return deliveries == expected ? 0 : 1;
}

int echo(const options& o) {
    loop l(o.host, o.port, source_addresses(o.sources));
    handlers h;
    if (connect_all(l, o, o.connections, auth::role::user, h) < 0) {
        std::printf("echo error=connect_failed open=%zu\n", l.open_count());
        return 1;
    }
    // The exact bytes `{"type":"ping"}` take ordercast's byte-compare fast path; with a
    // space the server has to parse the JSON like any other message.
    const std::string_view ping = o.parsed_ping ? R"({"type": "ping"})" : R"({"type":"ping"})";
    latency lat;
    std::size_t round_trips = 0;
    bool measuring = true;
    h.on_message = [&](connection& c, std::string_view) {
        std::uint64_t now = now_ns();
        lat.add((now - c.sent_ns) / 1000);
        ++round_trips;
        if (!measuring) return;
        c.sent_ns = now;
        l.send_text(c, ping);
    };
    const auto start = now_ns();
    for (auto* c : l.connections()) {
        c->sent_ns = now_ns();
        l.send_text(*c, ping);
    }
    const auto end = start + static_cast<std::uint64_t>(o.duration_s * 1e9);
    l.run_until([] { return false; }, end, h);
    measuring = false;
    double secs = seconds_since(start);
    lat.finish();
    std::printf(
        "echo connections=%zu round_trips=%zu seconds=%.3f round_trips_per_s=%.0f p50_ms=%.2f "
        "p99_ms=%.2f closed=%zu\n",
        o.connections, round_trips, secs, static_cast<double>(round_trips) / secs,
        lat.percentile_ms(50), lat.percentile_ms(99), l.closed_count());
    return l.closed_count() == 0 ? 0 : 1;
}

int connect_rate(const options& o) {
    loop l(o.host, o.port, source_addresses(o.sources));
    handlers h;
    double secs = connect_all(l, o, o.connections, auth::role::user, h);
    // Failed: closed by the server, or never connected before the time ran out.
    const std::size_t failed = o.connections - std::min(o.connections, l.open_count());
    std::printf("connect connections=%zu seconds=%.3f connects_per_s=%.0f failed=%zu\n",
                o.connections, secs < 0 ? -secs : secs,
                static_cast<double>(l.open_count()) / (secs < 0 ? -secs : secs), failed);
    return secs < 0 ? 1 : 0;
}

// Opens `o.connections` sockets in 60 equal batches spread over `o.spread_s` seconds, as a
// service's sockets arrive: their keepalive deadlines then fall in every second of a round.
double connect_spread(loop& l, const options& o, handlers& h) {
    constexpr std::size_t batches = 60;
    const auto begin = now_ns();
    std::size_t opened = 0;
    bool ok = true;
    for (std::size_t b = 0; b < batches; ++b) {
        l.run_until(
            [] { return false; },
            begin + static_cast<std::uint64_t>(o.spread_s * 1e9 * static_cast<double>(b) / batches),
            h);
        const std::size_t n = o.connections * (b + 1) / batches - opened;
        if (connect_all(l, o, n, auth::role::user, h, "", 1 + static_cast<std::int64_t>(opened)) <
            0)
            ok = false;
        opened += n;
    }
    const double took = seconds_since(begin);
    return ok ? took : -took;
}

int hold(const options& o) {
    loop l(o.host, o.port, source_addresses(o.sources));
    handlers h;
    double secs = o.spread_s > 0 ? connect_spread(l, o, h)
                                 : connect_all(l, o, o.connections, auth::role::user, h);
    std::printf("held connections=%zu connect_seconds=%.3f\n", l.open_count(),
                secs < 0 ? -secs : secs);
    std::fflush(stdout);
    l.run_until([] { return false; }, now_ns() + static_cast<std::uint64_t>(o.hold_s * 1e9), h);
    std::printf("released connections=%zu closed_by_server=%zu\n", l.open_count(),
                l.closed_count());
    return secs < 0 || l.closed_count() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    options o = parse(argc, argv);
    if (o.secret.size() < 32) {
        std::cerr << "loadgen: --secret (the server's JWT_SECRET, >= 32 bytes) is required\n";
        return 2;
    }
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    try {
        if (o.scenario == "fanout") return fanout(o);
        if (o.scenario == "echo") return echo(o);
        if (o.scenario == "connect") return connect_rate(o);
        if (o.scenario == "hold") return hold(o);
        if (o.scenario == "storm") return storm(o);
    } catch (const std::exception& e) {
        std::printf("%s error=%s\n", o.scenario.c_str(), e.what());
        return 1;
    }
    std::cerr << "loadgen: unknown scenario " << o.scenario << "\n";
    return 2;
}
