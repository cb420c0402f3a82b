#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "broker/broker.hpp"
#include "domain/event_sink.hpp"
#include "util/histogram.hpp"

namespace ordercast::eventlog {

// The domain's events as the log writes them (event_entries) and, once committed, on their
// way to every instance's sockets through the broker.
class log_sink final : public domain::event_sink {
public:
    explicit log_sink(broker::broker& b) : broker_(b) {}

    std::vector<domain::logged_event> entries(const domain::domain_event& e) const override;
    void committed(std::vector<domain::logged_event> events) override;
    // One committed event; `done(recipients)` as broker::publish reports it.
    void announce(const domain::logged_event& e, std::function<void(std::size_t)> done);

    std::uint64_t logged() const { return logged_.load(std::memory_order_relaxed); }
    // From commit to the frames written on every socket of this instance
    // (ordercast_event_delivery_seconds).
    const util::histogram& delivery_times() const { return *delivery_; }

private:
    broker::broker& broker_;
    std::atomic<std::uint64_t> logged_{0};
    // Shared with the callbacks in flight, which may outlive this sink at shutdown.
    std::shared_ptr<util::histogram> delivery_ =
        std::make_shared<util::histogram>(util::seconds_buckets);
};

}  // namespace ordercast::eventlog
