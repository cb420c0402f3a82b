#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http_types.hpp"
#include "domain/error.hpp"

namespace ordercast::api {

// Request-body helpers; each throws domain::error (400) naming what is wrong.
boost::json::value parse_json(const request& req);
const boost::json::object& as_object(const boost::json::value& v);
std::int64_t require_id(const boost::json::object& o, std::string_view field);
std::string require_string(const boost::json::object& o, std::string_view field,
                           std::size_t max_bytes);

inline domain::error bad_request(std::string_view code, const std::string& message) {
    return domain::error(domain::error::kind::bad_request, std::string(code), message);
}

inline response forbidden_response(std::string_view message) {
    return error_response(http::status::forbidden, "forbidden", message);
}

// The one mapping of domain error kinds to HTTP statuses.
http::status status_for(domain::error::kind k);
response error_response(const domain::error& e);

}  // namespace ordercast::api
