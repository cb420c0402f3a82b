// The WebSocket handshake: refused with an HTTP status only where a browser is not the
// client (origin, version, key); a bad token is answered after the upgrade with a close code.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "transport/cors.hpp"
#include "transport/http_session.hpp"
#include "transport/ws_session.hpp"
#include "util/clock.hpp"
#include "wire/http_types.hpp"
#include "wire/ws_handshake.hpp"

namespace ordercast::transport {
namespace http = boost::beast::http;

void http_session::upgrade(const wire::request& req) {
    keep_alive_ = false;
    if (shard_.shutting_down()) {
        return reply(wire::error_response(http::status::service_unavailable, "shutting-down",
                                          "server is shutting down"),
                     access_of(req));
    }
    if (auto origin = req.find(http::field::origin); origin != req.end()) {
        if (!wire::origin_allowed(std::string_view(origin->value()), ctx_.allowed_origins)) {
            return reply(wire::error_response(http::status::forbidden, "forbidden-origin",
                                              "origin not allowed"),
                         access_of(req));
        }
    }
    if (req[http::field::sec_websocket_version] != "13") {
        auto res = wire::error_response(http::status::upgrade_required, "bad-websocket-version",
                                        "only WebSocket version 13 is supported");
        res.set(http::field::sec_websocket_version, "13");
        return reply(std::move(res), access_of(req));
    }
    // Two keys are two answers to one question: a proxy and we might pick different ones.
    auto accept =
        req.count(http::field::sec_websocket_key) == 1
            ? wire::websocket_accept(std::string_view(req[http::field::sec_websocket_key]))
            : std::nullopt;
    if (!accept) {
        return reply(wire::error_response(http::status::bad_request, "bad-request",
                                          "invalid Sec-WebSocket-Key"),
                     access_of(req));
    }

    auto [token, since] = wire::parse_handshake_query(std::string_view(req.target()));
    if (!token) {
        if (auto bearer = wire::bearer_token(std::string_view(req[http::field::authorization])))
            token = std::string(*bearer);
    }
    ws_session::auth_result auth = auth::token_error::missing;
    if (token) auth = ctx_.verifier.verify(*token, util::unix_seconds());
    if (auto* error = std::get_if<auth::token_error>(&auth)) {
        ctx_.metrics.count_auth_failure(*error);
        // The reason, never the token: closed with 4001/4002 once upgraded.
        spdlog::info("websocket refused: {} (close {})", auth::to_string(*error),
                     *error == auth::token_error::expired ? 4002 : 4001);
    }
    auto* who = std::get_if<auth::principal>(&auth);
    if (who && ctx_.resolve) {
        // The principal as the server judges it (a manager's cities, whether the id names a
        // user) is settled before the session starts, so that its first message is already
        // judged with the answer.
        ctx_.resolve(*who, [self = home(), accept = *accept,
                            since](std::optional<auth::principal> known) mutable {
            ws_session_auth result = auth::token_error::bad_claims;
            if (known) {
                result = std::move(*known);
            } else {
                self->ctx_.metrics.count_auth_failure(auth::token_error::bad_claims);
            }
            boost::asio::post(self->stream_.get_executor(), [self, accept = std::move(accept),
                                                             result = std::move(result),
                                                             since = std::move(since)]() mutable {
                self->complete_upgrade(accept, std::move(result), std::move(since));
            });
        });
        return;
    }
    complete_upgrade(*accept, std::move(auth), std::move(since));
}

void http_session::complete_upgrade(const std::string& accept, ws_session_auth auth,
                                    std::optional<realtime::resume_position> since) {
    ctx_.metrics.count_http(101);
    stream_.expires_never();
    auto leftover = buffer_.data();
    std::string early(static_cast<const char*>(leftover.data()), leftover.size());
    ws_session::start(shard_, stream_.release_socket(), wire::switching_protocols(accept),
                      std::move(auth), early, std::move(since));
}

}  // namespace ordercast::transport
