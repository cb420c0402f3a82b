#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ordercast::domain {

// Where the domain announces what happened, after the change is committed.
class event_sink {
public:
    virtual ~event_sink() = default;
    virtual void publish(std::vector<std::string> rooms, std::string_view type,
                         boost::json::value data) = 0;
};

}  // namespace ordercast::domain
