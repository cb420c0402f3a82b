#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ordercast::util {

inline std::int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

inline std::int64_t steady_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

inline std::int64_t unix_millis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline std::int64_t unix_seconds() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// `2024-01-15T10:30:00.000Z`: UTC with milliseconds, as every timestamp in the protocol.
std::string iso8601_utc(std::chrono::system_clock::time_point t);
inline std::string iso8601_now() {
    return iso8601_utc(std::chrono::system_clock::now());
}

}  // namespace ordercast::util
