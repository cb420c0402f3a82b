#include "eventlog/log_sink.hpp"

#include <memory>

#include "eventlog/event_entries.hpp"
#include "util/clock.hpp"

namespace ordercast::eventlog {

std::vector<domain::logged_event> log_sink::entries(const domain::domain_event& e) const {
    return entries_of(e);
}

void log_sink::committed(std::vector<domain::logged_event> events) {
    for (const auto& e : events) announce(e, nullptr);
}

void log_sink::announce(const domain::logged_event& e, std::function<void(std::size_t)> done) {
    logged_.fetch_add(1, std::memory_order_relaxed);
    broker_.publish(std::make_shared<const realtime::event>(to_realtime(e)),
                    [times = delivery_, started = util::steady_us(),
                     done = std::move(done)](std::size_t recipients) {
                        times->observe_us(util::steady_us() - started);
                        if (done) done(recipients);
                    });
}

}  // namespace ordercast::eventlog
