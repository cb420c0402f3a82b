#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.hpp"
#include "loop.hpp"

namespace ordercast::bench {

struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 3000;
    std::uint16_t port2 = 0;  // a second instance: sockets alternate between the two
    std::string secret;
    std::string scenario = "fanout";
    std::size_t connections = 1000;
    std::size_t events = 100;
    std::size_t window = 16;    // publishes in flight
    std::size_t producers = 0;  // HTTP connections carrying them (0: one per publish in flight)
    double interval_ms = 0;     // fanout: one publish every so often instead (a quiet stream)
    std::size_t sources = 8;
    double duration_s = 5;
    double hold_s = 10;
    double spread_s = 0;            // hold: connect over this many seconds rather than at once
    std::size_t concurrency = 512;  // handshakes in flight while connecting
    std::size_t watchers = 0;       // the storm: connected sockets timed while it rages
    double timeout_s = 120;
    long server_pid = 0;       // with it: the server's CPU time (user+sys) during the measurement
    bool parsed_ping = false;  // echo `{"type": "ping"}`, which misses the byte-exact fast path
};

// The number that follows the first `key` (e.g. `"t":`) in a JSON text; 0 without one.
template <typename T>
T number_after(std::string_view payload, std::string_view key) {
    T value = 0;
    if (auto at = payload.find(key); at != std::string_view::npos)
        std::from_chars(payload.data() + at + key.size(), payload.data() + payload.size(), value);
    return value;
}

// What the scenarios share (main.cpp).
struct server_cpu {
    std::uint64_t user_us = 0;
    std::uint64_t system_us = 0;
};
server_cpu server_cpu_split(long pid);
std::uint64_t server_cpu_us(long pid);
std::string token(const options& o, std::int64_t user_id, auth::role role);
std::vector<std::string> source_addresses(std::size_t n);
double seconds_since(std::uint64_t start);
// Opens `n` sockets for users first_id..first_id+n-1 (at most `concurrency` handshakes at a time),
// each URL ending in `query` (e.g. "&since=42"), and waits for every `connected`. Returns the
// seconds it took, or a negative number when it timed out or a socket was refused.
double connect_all(loop& l, const options& o, std::size_t n, auth::role role, handlers& h,
                   const std::string& query = "", std::int64_t first_id = 1);
// A reconnect storm after missed events (docs/protocol.md §10), see storm.cpp.
int storm(const options& o);

}  // namespace ordercast::bench
