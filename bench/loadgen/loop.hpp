#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ordercast::bench {

std::uint64_t now_ns();

// One non-blocking TCP connection of the load generator: WebSocket client or HTTP
// publisher. Single-threaded; driven by `loop`.
struct connection {
    enum class kind : std::uint8_t { websocket, http } type = kind::websocket;
    enum class state : std::uint8_t { connecting, handshake, open, closed } st = state::connecting;
    int fd = -1;
    std::uint32_t index = 0;
    std::string out;                 // bytes not yet written
    std::string in;                  // bytes not yet parsed
    std::uint64_t sent_ns = 0;       // echo / publish / connect start
    std::int64_t last_event_id = 0;  // the storm: the last event id seen, and how many came
    std::uint32_t events = 0;
    bool watcher = false;  // the storm: a socket that stays connected and is timed
    bool want_write = false;
    bool upgraded = false;  // 101 received; `open` once `connected` arrives
};

// What a scenario does with what arrives.
struct handlers {
    std::function<void(connection&)> on_open;                       // `connected` received
    std::function<void(connection&, std::string_view)> on_message;  // any later text message
    std::function<void(connection&, std::string_view)> on_http;     // an HTTP response body
    std::function<void(connection&)> on_closed;
};

// An epoll loop over many connections.
class loop {
public:
    loop(std::string host, std::uint16_t port, std::vector<std::string> sources);
    ~loop();

    // Starts a WebSocket client connection with `token` (and `query`, e.g. "&since=42"),
    // from the next source address, to the next of the server ports (round robin;
    // publishers use the first).
    connection& open_websocket(const std::string& token, const std::string& query = "");
    // Closes every WebSocket connection (the client drops) and forgets them.
    void drop_websockets();
    void add_port(std::uint16_t port) { extra_ports_.push_back(port); }
    connection& open_http();
    void send(connection& c, std::string_view bytes);
    void send_text(connection& c, std::string_view text);  // one masked text frame

    // Runs until `done()` or the deadline; returns false on timeout.
    bool run_until(const std::function<bool()>& done, std::uint64_t deadline_ns, handlers& h);

    std::size_t open_count() const { return open_; }
    std::size_t closed_count() const { return closed_; }
    std::vector<connection*>& connections() { return conns_; }

private:
    int new_socket(std::uint16_t port);
    void on_readable(connection& c, handlers& h);
    void on_writable(connection& c);
    void flush(connection& c);
    void parse_frames(connection& c, handlers& h);
    void parse_http(connection& c, handlers& h);
    void close(connection& c, handlers& h);
    void update_interest(connection& c, bool want_write);

    std::string host_;
    std::uint16_t port_;
    std::vector<std::uint16_t> extra_ports_;
    std::size_t next_port_ = 0;
    std::vector<std::string> sources_;
    std::size_t next_source_ = 0;
    int epoll_fd_;
    std::vector<connection*> conns_;
    std::vector<char> buffer_;
    std::size_t open_ = 0;
    std::size_t closed_ = 0;
};

}  // namespace ordercast::bench
