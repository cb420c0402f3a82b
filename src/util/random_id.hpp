#pragma once

#include <charconv>
#include <cstdint>
#include <random>
#include <string>

namespace ordercast::util {

// 64 random bits in hex: a name for this process among others (a Redis instance tag, the
// owner of outbox leases).
inline std::string random_id() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    char buf[16];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, dist(rd), 16);
    return std::string(buf, end);
}

// 64 random bits in hex, cheaply: names one HTTP request (X-Request-Id).
inline std::string request_id() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    char buf[16];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, engine(), 16);
    return std::string(buf, end);
}

}  // namespace ordercast::util
