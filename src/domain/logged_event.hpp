#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ordercast::domain {

// One entry of the event log (docs/protocol.md §10): its id is its position in commit order.
struct logged_event {
    std::int64_t id = 0;
    std::vector<std::string> rooms;
    std::string type;
    std::string data;  // the event's `data`, as JSON text
    std::int64_t created_ms = 0;
};

}  // namespace ordercast::domain
