#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <deque>
#include <memory>
#include <optional>

#include <variant>
#include "auth/jwt.hpp"
#include "transport/gateway_context.hpp"
#include "transport/home_ptr.hpp"
#include "transport/shard.hpp"
#include "wire/http_types.hpp"

namespace ordercast::transport {

using ws_session_auth = std::variant<auth::principal, auth::token_error>;

// One HTTP/1.1 connection: reads requests, answers through the router, and hands the
// socket to a ws_session when a request is a WebSocket upgrade.
class http_session final : public std::enable_shared_from_this<http_session>,
                           public shutdown_listener {
public:
    http_session(shard& owner, boost::asio::ip::tcp::socket socket, gateway_context& ctx);
    ~http_session();

    // On the owning shard's thread.
    void run();
    void on_shutdown() override;
    // The grace period is over: close, and stop holding the shard open even if a database
    // job still holds this session (its answer, if it ever comes, goes nowhere).
    void on_shutdown_deadline() override;

private:
    using home_ref = home_ptr<http_session, boost::asio::io_context::executor_type>;
    // This session, for callbacks that may finish on other threads: released on its shard.
    home_ref home();
    void read();
    // Reads the next request unless the pipeline is full or the connection is ending.
    void read_on();
    // Feeds buffered bytes to the parser, reading more until a whole request is in.
    void parse_buffered();
    void on_read(boost::system::error_code ec);
    void upgrade(const wire::request& req);
    // Hands the socket to a ws_session with the 101 `accept` key and the token's verdict.
    // What the access log line of one request says (docs/protocol.md is silent; docs/operations.md,
    // "Logs").
    struct access_line {
        std::int64_t started_us = 0;
        std::string method;
        std::string path;
        std::optional<std::int64_t> user_id;
        std::string request_id;  // X-Request-Id as given (when usable) or made here
        std::string address;     // the client's (wire::client_address)
    };
    access_line access_of(const wire::request& req) const;
    static void log_access(const access_line& a, const wire::response& res);
    void complete_upgrade(const std::string& accept, ws_session_auth auth,
                          std::optional<realtime::resume_position> since);
    // Answers the request being read now (an error found while reading it).
    void reply(wire::response res, const access_line& access);
    void reply(wire::response res);  // for a request that could not be read
    // The answer to request `seq`; written once every earlier answer is.
    void answer(std::uint64_t seq, wire::response res);
    void write_next();
    void on_written(boost::system::error_code ec);
    void close();
    // Closes after the client has had time to read the last answer (see linger()).
    void close_lingering();
    void linger();

    shard& shard_;
    gateway_context& ctx_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::string out_;                                    // the answers being written, as bytes
    std::size_t writing_count_ = 0;                      // how many answers out_ holds
    std::deque<std::optional<wire::response>> answers_;  // per request read, in order
    std::uint64_t first_seq_ = 0;                        // the request answers_.front() answers
    std::string client_;                                 // the peer's address
    bool client_is_loopback_ = false;
    bool writing_ = false;          // an async write is under way
    bool write_posted_ = false;     // a write_next is queued on the loop
    bool paused_ = false;           // reading waits for the pipeline to drain
    bool continued_ = false;        // this request's 100 Continue is sent
    bool upgrade_waiting_ = false;  // an upgrade waits for earlier answers
    bool detached_ = false;         // no longer one of the shard's shutdown listeners
    bool keep_alive_ = true;
    std::size_t lingered_bytes_ = 0;  // read and dropped since the answer that ends the connection
};

}  // namespace ordercast::transport
