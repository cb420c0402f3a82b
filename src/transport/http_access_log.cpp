// The access log line of an HTTP request: who asked what, and the answer's status, size
// and time; never the query string (tokens travel there).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "transport/http_session.hpp"
#include "util/clock.hpp"
#include "util/log_fields.hpp"
#include "util/random_id.hpp"
#include "wire/http_types.hpp"

namespace ordercast::transport {
namespace http = boost::beast::http;

http_session::access_line http_session::access_of(const wire::request& req) const {
    access_line a;
    a.started_us = util::steady_us();
    a.method = std::string(req.method_string());
    const auto target = std::string_view(req.target());
    a.path = std::string(target.substr(0, target.find('?')));  // never the query (tokens)
    // The caller's id, when it logs: the id is worth a second look at the token.
    if (spdlog::should_log(spdlog::level::info)) {
        if (auto bearer = wire::bearer_token(std::string_view(req[http::field::authorization]))) {
            auto who = ctx_.verifier.verify(*bearer, util::unix_seconds());
            if (auto* p = std::get_if<auth::principal>(&who)) a.user_id = p->user_id;
        }
    }
    const auto given = std::string_view(req["X-Request-Id"]);
    const bool usable = !given.empty() && given.size() <= 128 &&
                        std::all_of(given.begin(), given.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                                   c == '_' || c == '.' || c == ':';
                        });
    a.request_id = usable ? std::string(given) : util::request_id();
    a.address = wire::client_address(req, client_, client_is_loopback_);
    return a;
}

void http_session::log_access(const access_line& a, const wire::response& res) {
    if (!spdlog::should_log(spdlog::level::info)) return;
    std::string line;
    util::add_field(line, "event", "http");
    util::add_field(line, "method", a.method);
    util::add_field(line, "path", a.path);
    util::add_field(line, "status", static_cast<long long>(res.result_int()));
    util::add_field(line, "duration_ms",
                    static_cast<long long>((util::steady_us() - a.started_us) / 1000));
    util::add_field(line, "bytes", static_cast<long long>(res.body().size()));
    if (a.user_id) util::add_field(line, "user_id", static_cast<long long>(*a.user_id));
    if (!a.address.empty()) util::add_field(line, "address", a.address);
    util::add_field(line, "request_id", a.request_id);
    spdlog::info("{}", line);
}

}  // namespace ordercast::transport
