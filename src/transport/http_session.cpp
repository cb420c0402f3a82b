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

#include "api/router.hpp"
#include "domain/user_ids.hpp"
#include "transport/cors.hpp"
#include "transport/ws_handshake.hpp"
#include "transport/ws_session.hpp"
#include "util/clock.hpp"
#include "util/log_fields.hpp"
#include "util/random_id.hpp"

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

// obs-fold (a header line continued on the next one, RFC 9112 §5.2) is a way to hide one
// header inside another past a proxy; Beast 1.81 quietly joins the lines, so the raw
// header is checked before it is parsed.
// The answer to a HEAD: the headers a GET would get, Content-Length included, and no body —
// a body here would be read by a keep-alive client as the start of its next answer.
void without_body(api::response& res) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
}

// `Expect: 100-continue` (RFC 9110 §10.1.1): the client waits for a 100 before its body.
bool expects_continue(const api::request& req) {
    return beast::iequals(std::string_view(req[http::field::expect]), "100-continue");
}

bool has_obs_fold(std::string_view header) {
    for (auto pos = header.find("\r\n"); pos != std::string_view::npos;
         pos = header.find("\r\n", pos + 2)) {
        if (pos + 2 < header.size() && (header[pos + 2] == ' ' || header[pos + 2] == '\t'))
            return true;
    }
    return false;
}

// RFC 9112 §6.3: a Transfer-Encoding whose final coding is not `chunked` leaves the body's
// end unknown (400, and the connection closes: what follows may be a smuggled request);
// codings we do not implement are 501.
std::optional<api::response> check_transfer_encoding(const api::request& req) {
    std::vector<std::string> codings;
    const auto [first, last] = req.equal_range(http::field::transfer_encoding);
    for (auto field = first; field != last; ++field) {
        std::string_view list(field->value().data(), field->value().size());
        while (true) {
            auto comma = list.find(',');
            auto item = list.substr(0, comma);
            while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
                item.remove_prefix(1);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
                item.remove_suffix(1);
            std::string lower(item);
            for (auto& c : lower)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            codings.push_back(std::move(lower));
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    if (codings.empty()) return std::nullopt;
    if (codings.back() != "chunked" || std::count(codings.begin(), codings.end(), "chunked") != 1) {
        return api::error_response(http::status::bad_request, "bad-request",
                                   "Transfer-Encoding must end with chunked, once");
    }
    if (codings.size() > 1) {
        return api::error_response(http::status::not_implemented, "unsupported-encoding",
                                   "only the chunked transfer coding is supported");
    }
    return std::nullopt;
}

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
                return reply(api::error_response(http::status::bad_request, "bad-request",
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
            return reply(api::error_response(http::status::payload_too_large, "payload-too-large",
                                             "body over 1 MiB"));
        }
        if (ec == http::error::header_limit) {
            return reply(api::error_response(http::status::request_header_fields_too_large,
                                             "headers-too-large", "headers over 16 KiB"));
        }
        return reply(api::error_response(http::status::bad_request, "bad-request",
                                         "malformed HTTP request: " + ec.message()));
    }
    const auto& req = parser_->get();
    // Beast 1.81 lets a Content-Length follow a non-chunked Transfer-Encoding; both
    // together are how requests get smuggled past proxies.
    if (req.count(http::field::transfer_encoding) && req.count(http::field::content_length)) {
        keep_alive_ = false;
        return reply(api::error_response(http::status::bad_request, "bad-request",
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
             access = std::move(access)](api::response res) {
                if (origin) cors::allow(res, *origin);
                if (head) without_body(res);
                res.set("X-Request-Id", access.request_id);
                log_access(access, res);
                boost::asio::post(self->stream_.get_executor(),
                                  [self, seq, res = std::move(res)]() mutable {
                                      self->answer(seq, std::move(res));
                                  });
            },
            api::client_address(req, client_, client_is_loopback_));
    } catch (const std::exception& e) {
        // A route that throws answers 500; the connection and the server go on.
        spdlog::error("request {} failed: {}", std::string_view(req.method_string()), e.what());
        keep_alive_ = false;
        answer(seq, api::error_response(http::status::internal_server_error, "internal",
                                        "internal error"));
    }
    read_on();
}

http_session::access_line http_session::access_of(const api::request& req) const {
    access_line a;
    a.started_us = util::steady_us();
    a.method = std::string(req.method_string());
    const auto target = std::string_view(req.target());
    a.path = std::string(target.substr(0, target.find('?')));  // never the query (tokens)
    // The caller's id, when it logs: the id is worth a second look at the token.
    if (spdlog::should_log(spdlog::level::info)) {
        if (auto bearer = api::bearer_token(std::string_view(req[http::field::authorization]))) {
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
    return a;
}

void http_session::log_access(const access_line& a, const api::response& res) {
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
    util::add_field(line, "request_id", a.request_id);
    spdlog::info("{}", line);
}

void http_session::upgrade(const api::request& req) {
    keep_alive_ = false;
    if (shard_.shutting_down()) {
        return reply(api::error_response(http::status::service_unavailable, "shutting-down",
                                         "server is shutting down"),
                     access_of(req));
    }
    if (auto origin = req.find(http::field::origin); origin != req.end()) {
        if (!origin_allowed(std::string_view(origin->value()), ctx_.allowed_origins)) {
            return reply(api::error_response(http::status::forbidden, "forbidden-origin",
                                             "origin not allowed"),
                         access_of(req));
        }
    }
    if (req[http::field::sec_websocket_version] != "13") {
        auto res = api::error_response(http::status::upgrade_required, "bad-websocket-version",
                                       "only WebSocket version 13 is supported");
        res.set(http::field::sec_websocket_version, "13");
        return reply(std::move(res), access_of(req));
    }
    // Two keys are two answers to one question: a proxy and we might pick different ones.
    auto accept = req.count(http::field::sec_websocket_key) == 1
                      ? websocket_accept(std::string_view(req[http::field::sec_websocket_key]))
                      : std::nullopt;
    if (!accept) {
        return reply(api::error_response(http::status::bad_request, "bad-request",
                                         "invalid Sec-WebSocket-Key"),
                     access_of(req));
    }

    auto [token, since] = parse_handshake_query(std::string_view(req.target()));
    if (!token) {
        if (auto bearer = api::bearer_token(std::string_view(req[http::field::authorization])))
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
    if (who && ctx_.resolve &&
        (who->who == auth::role::manager || domain::is_own_user_id(who->user_id))) {
        // The database decides a known manager's cities and whether an id of ordercast's
        // own range names a user: asked before the session starts, so that its first
        // message is already judged with the answer.
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
    ws_session::start(shard_, stream_.release_socket(), switching_protocols(accept),
                      std::move(auth), early, std::move(since));
}

void http_session::reply(api::response res) {
    access_line unread;
    unread.started_us = util::steady_us();
    unread.method = "-";
    unread.path = "-";
    unread.request_id = util::request_id();
    reply(std::move(res), unread);
}

void http_session::reply(api::response res, const access_line& access) {
    res.set("X-Request-Id", access.request_id);
    log_access(access, res);
    answers_.emplace_back();
    answer(first_seq_ + answers_.size() - 1, std::move(res));
}

void http_session::answer(std::uint64_t seq, api::response res) {
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
