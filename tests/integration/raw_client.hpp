#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ordercast::testing {

// A client on a bare TCP socket, for bytes no well-behaved library would send.
// Every wait is bounded by `timeout_ms`, so a broken server fails a test instead of hanging it.
class raw_client {
public:
    explicit raw_client(std::uint16_t port);
    ~raw_client();
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    void send_raw(std::string_view bytes);
    // Reads whatever arrives next (empty on EOF or timeout).
    std::string read_some(int timeout_ms = 5000);
    // True when the server closes the connection within the time.
    bool wait_eof(int timeout_ms);

    // One HTTP exchange: the whole response, headers and body.
    std::string http(std::string_view request, int timeout_ms = 5000);
    // A WebSocket handshake; returns the status code of the response.
    int handshake(std::string_view target, std::string_view extra_headers = "");
    std::string response_headers() const { return headers_; }
    int fd() const { return fd_; }

    // Sends a frame with first byte `b0` (FIN, RSV, opcode), masked unless told otherwise.
    void send_frame(std::uint8_t b0, std::string_view payload, bool mask = true);
    void send_text(std::string_view text) { send_frame(0x81, text); }

    struct frame {
        std::uint8_t opcode;
        bool fin;
        std::string payload;
        std::uint16_t close_code() const;
    };
    std::optional<frame> read_frame(int timeout_ms = 5000);
    // Reads past data frames to the close frame: its code, or 1006 when the TCP connection
    // ends without one (0 on timeout).
    std::uint16_t read_close_code(int timeout_ms = 5000);
    // The next text message's payload, skipping control frames (empty on failure).
    std::string read_text(int timeout_ms = 5000);

private:
    bool fill(std::size_t want, int timeout_ms);

    int fd_ = -1;
    std::string in_;
    std::string headers_;
    bool eof_ = false;
};

}  // namespace ordercast::testing
