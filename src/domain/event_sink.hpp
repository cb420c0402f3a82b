#pragma once

#include <vector>

#include "domain/domain_event.hpp"
#include "domain/logged_event.hpp"

namespace ordercast::domain {

// Where the domain's events go: each is written to the event log in the transaction of the
// change that causes it, and announced to sockets once that transaction has committed.
class event_sink {
public:
    virtual ~event_sink() = default;
    // The log entries (rooms, type, data) a domain event is written as.
    virtual std::vector<logged_event> entries(const domain_event& e) const = 0;
    // Entries the log now holds, ids assigned: on their way to the sockets.
    virtual void committed(std::vector<logged_event> events) = 0;
};

}  // namespace ordercast::domain
