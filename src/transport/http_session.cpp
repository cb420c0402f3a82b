#include "transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>

#include "api/router.hpp"
#include "transport/ws_handshake.hpp"
#include "transport/ws_session.hpp"
#include "util/clock.hpp"

namespace ordercast::transport {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// A request, and so a WebSocket handshake, must arrive whole within this time.
constexpr std::chrono::seconds request_timeout{10};
constexpr std::uint64_t max_body_bytes = 1 << 20;
constexpr std::uint32_t max_header_bytes = 16 * 1024;

}  // namespace

http_session::http_session(shard& owner, boost::asio::ip::tcp::socket socket, gateway_context& ctx)
    : shard_(owner), ctx_(ctx), stream_(std::move(socket)) {
    shard_.attach(*this);
}

http_session::~http_session() {
    shard_.detach(*this);
}

void http_session::run() {
    if (shard_.shutting_down()) return close();
    read();
}

void http_session::on_shutdown() {
    keep_alive_ = false;
    // A connection between requests has nothing to finish; one mid-request does.
    if (idle_) stream_.cancel();
}

void http_session::read() {
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(max_body_bytes);
    idle_ = true;
    stream_.expires_after(request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void http_session::on_read(beast::error_code ec) {
    idle_ = false;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::error::eof || ec == http::error::partial_message) {
        return close();
    }
    keep_alive_ = keep_alive_ && !shard_.shutting_down();
    if (ec) {
        keep_alive_ = false;
        if (ec == http::error::body_limit) {
            return send(api::error_response(http::status::payload_too_large, "payload-too-large",
                                            "body over 1 MiB"));
        }
        if (ec == http::error::header_limit) {
            return send(api::error_response(http::status::request_header_fields_too_large,
                                            "headers-too-large", "headers over 16 KiB"));
        }
        return send(api::error_response(http::status::bad_request, "bad-request",
                                        "malformed HTTP request: " + ec.message()));
    }
    const auto& req = parser_->get();
    // Beast 1.81 lets a Content-Length follow a non-chunked Transfer-Encoding; both
    // together are how requests get smuggled past proxies.
    if (req.count(http::field::transfer_encoding) && req.count(http::field::content_length)) {
        keep_alive_ = false;
        return send(api::error_response(http::status::bad_request, "bad-request",
                                        "Content-Length and Transfer-Encoding together"));
    }
    if (beast::websocket::is_upgrade(req)) return upgrade(req);
    keep_alive_ = keep_alive_ && req.keep_alive();
    spdlog::debug(
        "http {} {}", std::string_view(req.method_string()),
        std::string_view(req.target()).substr(0, std::string_view(req.target()).find('?')));
    ctx_.router.handle(req, [self = shared_from_this()](api::response res) {
        boost::asio::post(self->stream_.get_executor(),
                          [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
    });
}

void http_session::upgrade(const api::request& req) {
    keep_alive_ = false;
    if (shard_.shutting_down()) {
        return send(api::error_response(http::status::service_unavailable, "shutting-down",
                                        "server is shutting down"));
    }
    if (auto origin = req.find(http::field::origin); origin != req.end()) {
        if (!origin_allowed(std::string_view(origin->value()), ctx_.allowed_origins)) {
            return send(api::error_response(http::status::forbidden, "forbidden-origin",
                                            "origin not allowed"));
        }
    }
    if (req[http::field::sec_websocket_version] != "13") {
        auto res = api::error_response(http::status::upgrade_required, "bad-websocket-version",
                                       "only WebSocket version 13 is supported");
        res.set(http::field::sec_websocket_version, "13");
        return send(std::move(res));
    }
    auto accept = websocket_accept(std::string_view(req[http::field::sec_websocket_key]));
    if (!accept) {
        return send(api::error_response(http::status::bad_request, "bad-request",
                                        "invalid Sec-WebSocket-Key"));
    }

    std::optional<std::string> token = query_token(std::string_view(req.target()));
    if (!token) {
        if (auto bearer = api::bearer_token(std::string_view(req[http::field::authorization])))
            token = std::string(*bearer);
    }
    ws_session::auth_result auth = auth::token_error::missing;
    if (token) auth = ctx_.verifier.verify(*token, util::unix_seconds());
    if (auto* error = std::get_if<auth::token_error>(&auth)) {
        ctx_.metrics.count_auth_failure(*error);
        spdlog::debug("websocket refused: {}", auth::to_string(*error));
    }
    auto* who = std::get_if<auth::principal>(&auth);
    if (who && who->who == auth::role::manager && who->city_ids.empty() && ctx_.manager_cities) {
        // The socket's rooms depend on the manager's cities: look them up before the
        // session starts, so that its first message is already judged with them.
        ctx_.manager_cities(who->user_id, [self = shared_from_this(), accept = *accept,
                                           auth](std::vector<std::int64_t> cities) mutable {
            std::get<auth::principal>(auth).city_ids = std::move(cities);
            boost::asio::post(self->stream_.get_executor(),
                              [self, accept = std::move(accept), auth = std::move(auth)]() mutable {
                                  self->complete_upgrade(accept, std::move(auth));
                              });
        });
        return;
    }
    complete_upgrade(*accept, std::move(auth));
}

void http_session::complete_upgrade(const std::string& accept, ws_session_auth auth) {
    ctx_.metrics.count_http(101);
    stream_.expires_never();
    auto leftover = buffer_.data();
    std::string early(static_cast<const char*>(leftover.data()), leftover.size());
    ws_session::start(shard_, stream_.release_socket(), switching_protocols(accept),
                      std::move(auth), early);
}

void http_session::send(api::response res) {
    ctx_.metrics.count_http(res.result_int());
    res.keep_alive(keep_alive_);
    res.set(http::field::server, "ordercast");
    response_ = std::move(res);
    stream_.expires_after(request_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec || !self->keep_alive_) return self->close();
                          self->response_.reset();
                          self->read();
                      });
}

void http_session::close() {
    beast::error_code ec;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    stream_.close();
}

}  // namespace ordercast::transport
