#pragma once

#include <vector>

#include "domain/domain_event.hpp"
#include "domain/logged_event.hpp"
#include "realtime/event.hpp"

namespace ordercast::eventlog {

// The one place that decides who hears of a domain event and how it reads on the wire
// (docs/protocol.md §3.1): its rooms, its type and its data.
std::vector<domain::logged_event> entries_of(const domain::domain_event& e);

// A logged event as this process's sockets receive it.
realtime::event to_realtime(const domain::logged_event& e);

}  // namespace ordercast::eventlog
