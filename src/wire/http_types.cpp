#include "wire/http_types.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "util/json_text.hpp"

namespace ordercast::wire {

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

std::string client_address(const request& req, std::string_view peer, bool peer_is_loopback) {
    if (!peer_is_loopback) return std::string(peer);
    const auto forwarded = req["X-Forwarded-For"];
    std::string_view list(forwarded.data(), forwarded.size());
    // The proxy appends the address it saw last; earlier entries are the client's claims.
    auto last = list.substr(list.rfind(',') == std::string_view::npos ? 0 : list.rfind(',') + 1);
    while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
    while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
    if (last.empty() || last.size() > 64) return std::string(peer);
    return std::string(last);
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i])
            return std::nullopt;
    }
    auto token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return std::nullopt;
    return token;
}

}  // namespace ordercast::wire
