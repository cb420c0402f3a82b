#include "api/http_types.hpp"

#include <boost/json.hpp>

#include "util/json_text.hpp"

namespace ordercast::api {

response json_response(http::status status, const boost::json::value& body) {
    response res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = util::to_json_text(body);
    res.prepare_payload();
    return res;
}

response error_response(http::status status, std::string_view code, std::string_view message) {
    boost::json::object body;
    body["error"] = code;
    body["message"] = message;
    return json_response(status, body);
}

response too_many_requests(std::string_view code, std::string_view message,
                           std::int64_t retry_after_s) {
    auto res = error_response(http::status::too_many_requests, code, message);
    res.set(http::field::retry_after, std::to_string(retry_after_s));
    return res;
}

}  // namespace ordercast::api
