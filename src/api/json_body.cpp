#include "api/json_body.hpp"

#include "util/decimal_id.hpp"

namespace ordercast::api {
namespace json = boost::json;

json::value parse_json(const request& req) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body(), ec);
    if (ec) throw bad_request("bad-json", "body is not valid JSON");
    return v;
}

const json::object& as_object(const json::value& v) {
    if (!v.is_object()) throw bad_request("bad-request", "body must be a JSON object");
    return v.as_object();
}

std::int64_t require_id(const json::object& o, std::string_view field) {
    if (const auto* v = o.if_contains(field)) {
        if (auto id = util::json_id(*v)) return *id;
    }
    throw bad_request("bad-request",
                      "'" + std::string(field) + "' must be an integer from 1 to 2^53-1");
}

std::string require_string(const json::object& o, std::string_view field, std::size_t max_bytes) {
    const auto* v = o.if_contains(field);
    if (!v || !v->is_string() || v->as_string().empty() || v->as_string().size() > max_bytes) {
        throw bad_request("bad-request", "'" + std::string(field) + "' must be a string of 1 to " +
                                             std::to_string(max_bytes) + " bytes");
    }
    return std::string(v->as_string());
}

http::status status_for(domain::error::kind k) {
    using kind = domain::error::kind;
    switch (k) {
        case kind::bad_request:
            return http::status::bad_request;
        case kind::unauthorized:
            return http::status::unauthorized;
        case kind::forbidden:
            return http::status::forbidden;
        case kind::not_found:
            return http::status::not_found;
        case kind::conflict:
            return http::status::conflict;
        case kind::unprocessable:
            return http::status::unprocessable_entity;
        case kind::unavailable:
            return http::status::service_unavailable;
    }
    return http::status::internal_server_error;
}

response error_response(const domain::error& e) {
    return api::error_response(status_for(e.type), e.code, e.what());
}

}  // namespace ordercast::api
