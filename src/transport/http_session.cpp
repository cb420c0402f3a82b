#include "transport/http_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cassert>
#include <chrono>
#include <sstream>

#include "transport/cors.hpp"
#include "transport/http_hygiene.hpp"
#include "transport/ws_session.hpp"
#include "util/clock.hpp"
#include "util/random_id.hpp"
#include "wire/http_types.hpp"

namespace ordercast::transport {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// A request, and so a WebSocket handshake, must arrive whole within this time.
constexpr std::chrono::seconds request_timeout{10};
constexpr std::uint64_t max_body_bytes = 1 << 20;
constexpr std::uint32_t max_header_bytes = 16 * 1024;
constexpr std::size_t read_chunk = 16 * 1024;
// Requests read ahead of their answers on one connection. Reading on while earlier answers
// are pending lets pipelined requests (a backend publishing over one keep-alive
// connection) join one write pass, as separate connections' requests do.
constexpr std::size_t max_pipelined = 16;
// After a last answer (a refusal of a body, a Connection: close), what the client still
// sends is read and dropped for this long, or this much, before the socket closes.
constexpr std::chrono::seconds linger_time{2};
constexpr std::size_t max_linger_bytes = 4 << 20;

}  // namespace

http_session::http_session(shard& owner, boost::asio::ip::tcp::socket socket, gateway_context& ctx)
    : shard_(owner), ctx_(ctx), stream_(std::move(socket)) {
    boost::system::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) {
        client_ = peer.address().to_string();
        client_is_loopback_ = peer.address().is_loopback();
    }
    shard_.attach(*this);
}

http_session::home_ref http_session::home() {
    return home_ref(shared_from_this(), shard_.io().get_executor());
}

http_session::~http_session() {
    assert(shard_.on_own_thread() && "a session dies on its shard, whoever held it last");
    if (!detached_) shard_.detach(*this);
}

void http_session::on_shutdown_deadline() {
    close();
    detached_ = true;
    shard_.detach(*this);
}

void http_session::run() {
    if (shard_.shutting_down()) return close();
    read();
}

void http_session::on_shutdown() {
    keep_alive_ = false;
    // A connection between requests has nothing to finish; one mid-request does.
    if (answers_.empty() && !(parser_ && parser_->got_some())) stream_.cancel();
}

void http_session::read() {
    paused_ = false;
    parser_.emplace();
    continued_ = false;
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(max_body_bytes);
    parser_->eager(true);
    stream_.expires_after(request_timeout);
    parse_buffered();
}

void http_session::read_on() {
    if (keep_alive_ && answers_.size() < max_pipelined) return read();
    paused_ = keep_alive_;
}

void http_session::parse_buffered() {
    while (buffer_.size() > 0) {
        if (!parser_->is_header_done()) {
            std::string_view bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
            auto end = bytes.find("\r\n\r\n");
            if (end != std::string_view::npos && has_obs_fold(bytes.substr(0, end + 2))) {
                keep_alive_ = false;
                return reply(wire::error_response(http::status::bad_request, "bad-request",
                                                  "header lines may not be folded (obs-fold)"));
            }
        }
        beast::error_code ec;
        const std::size_t used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec && ec != http::error::need_more) return on_read(ec);
        if (parser_->is_done()) return on_read({});
        if (used == 0) break;
    }
    // A client that asked for it gets its 100 before sending the body (curl waits a second
    // otherwise) — only when no earlier answer is still due, so answers stay in order.
    if (parser_->is_header_done() && !continued_ && answers_.empty() && !writing_ &&
        expects_continue(parser_->get())) {
        continued_ = true;
        writing_ = true;
        static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
        boost::asio::async_write(stream_, boost::asio::buffer(go_on.data(), go_on.size()),
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     self->writing_ = false;
                                     if (ec) return self->close();
                                     self->write_next();
                                 });
    }
    stream_.async_read_some(buffer_.prepare(read_chunk),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->buffer_.commit(n);
                                if (ec == boost::asio::error::eof) {
                                    if (!self->parser_->got_some())
                                        return self->on_read(http::error::end_of_stream);
                                    beast::error_code eof_ec;
                                    self->parser_->put_eof(eof_ec);
                                    if (!eof_ec && self->parser_->is_done())
                                        return self->on_read({});
                                    return self->on_read(http::error::partial_message);
                                }
                                if (ec) return self->on_read(ec);
                                self->parse_buffered();
                            });
}

void http_session::on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream && !answers_.empty()) {
        // The client sent all it had and half-closed: answer what it asked, then close.
        keep_alive_ = false;
        return;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::error::eof || ec == http::error::partial_message) {
        return close();
    }
    keep_alive_ = keep_alive_ && !shard_.shutting_down();
    if (ec) {
        keep_alive_ = false;
        if (ec == http::error::body_limit) {
            return reply(wire::error_response(http::status::payload_too_large, "payload-too-large",
                                              "body over 1 MiB"));
        }
        if (ec == http::error::header_limit) {
            return reply(wire::error_response(http::status::request_header_fields_too_large,
                                              "headers-too-large", "headers over 16 KiB"));
        }
        return reply(wire::error_response(http::status::bad_request, "bad-request",
                                          "malformed HTTP request: " + ec.message()));
    }
    const auto& req = parser_->get();
    // Beast 1.81 lets a Content-Length follow a non-chunked Transfer-Encoding; both
    // together are how requests get smuggled past proxies.
    if (req.count(http::field::transfer_encoding) && req.count(http::field::content_length)) {
        keep_alive_ = false;
        return reply(wire::error_response(http::status::bad_request, "bad-request",
                                          "Content-Length and Transfer-Encoding together"),
                     access_of(req));
    }
    if (auto refused = check_transfer_encoding(req)) {
        keep_alive_ = false;
        return reply(std::move(*refused), access_of(req));
    }
    if (beast::websocket::is_upgrade(req)) {
        // The socket changes hands only once every earlier answer is written.
        if (!answers_.empty()) {
            upgrade_waiting_ = true;
            return;
        }
        return upgrade(req);
    }
    keep_alive_ = keep_alive_ && req.keep_alive();
    auto access = access_of(req);
    const cors policy(ctx_.allowed_origins);
    if (cors::is_preflight(req)) return reply(policy.preflight(req), access), read_on();
    const std::uint64_t seq = first_seq_ + answers_.size();
    answers_.emplace_back();
    try {
        ctx_.router.handle(
            req,
            [self = home(), seq, origin = policy.allowed_origin(req),
             head = req.method() == http::verb::head,
             access = std::move(access)](wire::response res) {
                if (origin) cors::allow(res, *origin);
                if (head) without_body(res);
                res.set("X-Request-Id", access.request_id);
                log_access(access, res);
                boost::asio::post(self->stream_.get_executor(),
                                  [self, seq, res = std::move(res)]() mutable {
                                      self->answer(seq, std::move(res));
                                  });
            },
            wire::client_address(req, client_, client_is_loopback_));
    } catch (const std::exception& e) {
        // A route that throws answers 500; the connection and the server go on.
        spdlog::error("request {} failed: {}", std::string_view(req.method_string()), e.what());
        keep_alive_ = false;
        answer(seq, wire::error_response(http::status::internal_server_error, "internal",
                                         "internal error"));
    }
    read_on();
}

void http_session::reply(wire::response res) {
    access_line unread;
    unread.started_us = util::steady_us();
    unread.method = "-";
    unread.path = "-";
    unread.request_id = util::request_id();
    reply(std::move(res), unread);
}

void http_session::reply(wire::response res, const access_line& access) {
    res.set("X-Request-Id", access.request_id);
    log_access(access, res);
    answers_.emplace_back();
    answer(first_seq_ + answers_.size() - 1, std::move(res));
}

void http_session::answer(std::uint64_t seq, wire::response res) {
    auto& slot = answers_[static_cast<std::size_t>(seq - first_seq_)];
    ctx_.metrics.count_http(res.result_int());
    res.set(http::field::server, "ordercast");
    slot = std::move(res);
    // Answers that become ready in this loop turn (publishes finishing in one write pass)
    // leave together: the write starts after the handlers already queued have run.
    if (write_posted_) return;
    write_posted_ = true;
    boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
        self->write_posted_ = false;
        self->write_next();
    });
}

void http_session::write_next() {
    // Answers leave in the order their requests came, each once it is ready; all that are
    // ready go in one write, so that a pipelining client gets them together and sends its
    // next requests together too.
    if (writing_ || answers_.empty() || !answers_.front()) return;
    writing_ = true;
    out_.clear();
    writing_count_ = 0;
    std::ostringstream bytes;
    for (auto& answer : answers_) {
        if (!answer) break;
        ++writing_count_;
        answer->keep_alive(keep_alive_ || writing_count_ < answers_.size());
        bytes << *answer;
        answer.reset();
    }
    out_ = std::move(bytes).str();
    stream_.expires_after(request_timeout);
    boost::asio::async_write(
        stream_, boost::asio::buffer(out_),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
}

void http_session::on_written(beast::error_code ec) {
    writing_ = false;
    out_.clear();
    answers_.erase(answers_.begin(),
                   answers_.begin() + static_cast<std::ptrdiff_t>(writing_count_));
    first_seq_ += writing_count_;
    if (ec) return close();
    if (!answers_.empty()) return write_next();
    if (!keep_alive_) return close_lingering();
    if (upgrade_waiting_) {
        upgrade_waiting_ = false;
        return upgrade(parser_->get());
    }
    if (paused_) read();
}

void http_session::close_lingering() {
    // Closing with unread bytes in the socket sends a reset, and a reset can discard the
    // answer before the client reads it: a browser uploading a body refused with 413 would
    // see a network error instead. So, as nginx's lingering close: FIN first, then drain.
    beast::error_code ec;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    if (ec || shard_.shutting_down()) return stream_.close();
    stream_.expires_after(linger_time);
    linger();
}

void http_session::linger() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(read_chunk),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->lingered_bytes_ += n;
                                if (ec || self->lingered_bytes_ > max_linger_bytes)
                                    return self->stream_.close();
                                self->linger();
                            });
}

void http_session::close() {
    beast::error_code ec;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    stream_.close();
}

}  // namespace ordercast::transport
