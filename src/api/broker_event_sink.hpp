#pragma once

#include <memory>

#include "broker/broker.hpp"
#include "domain/event_sink.hpp"
#include "realtime/protocol.hpp"

namespace ordercast::api {

// Domain events go out through the broker like every other event.
class broker_event_sink final : public domain::event_sink {
public:
    explicit broker_event_sink(broker::broker& b) : broker_(b) {}

    void publish(std::vector<std::string> rooms, std::string_view type,
                 boost::json::value data) override {
        auto e = std::make_shared<realtime::event>();
        e->rooms = std::move(rooms);
        e->payload = realtime::event_message(type, data);
        broker_.publish(std::move(e), nullptr);
    }

private:
    broker::broker& broker_;
};

}  // namespace ordercast::api
