#pragma once

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

namespace ordercast::testing {

// Reads `fd` (a child's output) until `marker` and the end of its line have arrived, the
// output ends, or `timeout` passes. Returns everything read; the caller checks for `marker`.
inline std::string read_until(int fd, std::string_view marker, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string seen;
    for (;;) {
        auto at = seen.find(marker);
        if (at != std::string::npos && seen.find('\n', at) != std::string::npos) return seen;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return seen;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) return seen;
        seen.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace ordercast::testing
