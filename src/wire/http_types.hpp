#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ordercast::wire {

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

// The bearer token of an `Authorization` header value, if it has one.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// Who sent a request: the peer's address, or, when the peer is on this machine (a local
// proxy such as deploy/nginx.conf), the last address its X-Forwarded-For names.
std::string client_address(const request& req, std::string_view peer, bool peer_is_loopback);

// What answers HTTP requests (the API's router); transport hands it every request that is
// not a WebSocket upgrade. `client` is the address it came from (client_address).
class http_handler {
public:
    virtual ~http_handler() = default;
    virtual void handle(const request& req, respond_fn respond, std::string_view client) = 0;
};

}  // namespace ordercast::wire
