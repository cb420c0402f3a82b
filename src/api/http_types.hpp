#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace ordercast::api {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;
// Sends the response; may be called from any thread, exactly once.
using respond_fn = std::function<void(response)>;

response json_response(http::status status, const boost::json::value& body);
// `{"error": code, "message": message}`, the one shape of every API error.
response error_response(http::status status, std::string_view code, std::string_view message);

// `429 code` with `Retry-After: retry_after_s`.
response too_many_requests(std::string_view code, std::string_view message,
                           std::int64_t retry_after_s);

}  // namespace ordercast::api
