#include "raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <utility>

#include "support/client_frame.hpp"

namespace ordercast::testing {

raw_client::raw_client(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect failed");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

raw_client::~raw_client() {
    if (fd_ >= 0) close(fd_);
}

void raw_client::send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;  // the server may have closed; reads will tell
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool raw_client::fill(std::size_t want, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (in_.size() < want) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[65536];
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        in_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
}

std::string raw_client::read_some(int timeout_ms) {
    if (in_.empty()) fill(1, timeout_ms);
    return std::exchange(in_, {});
}

bool raw_client::wait_eof(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[65536];
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
    }
}

std::string raw_client::http(std::string_view request, int timeout_ms) {
    send_raw(request);
    if (!fill(1, timeout_ms)) return {};
    for (;;) {
        auto end = in_.find("\r\n\r\n");
        if (end != std::string::npos) {
            std::size_t length = 0;
            auto cl = in_.find("Content-Length: ");
            if (cl != std::string::npos && cl < end) length = std::stoul(in_.substr(cl + 16));
            fill(end + 4 + length, timeout_ms);
            std::string response = in_.substr(0, end + 4 + length);
            in_.erase(0, response.size());
            return response;
        }
        if (!fill(in_.size() + 1, timeout_ms)) return std::exchange(in_, {});
    }
}

int raw_client::handshake(std::string_view target, std::string_view extra_headers) {
    std::string req =
        "GET " + std::string(target) +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
        std::string(extra_headers) + "\r\n";
    send_raw(req);
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(in_.size() + 1, 5000)) return 0;
    }
    headers_ = in_.substr(0, end + 4);
    in_.erase(0, end + 4);
    if (headers_.rfind("HTTP/1.1 ", 0) != 0) return 0;
    int status = std::stoi(headers_.substr(9, 3));
    if (status != 101) {  // the body of an error response is not WebSocket data
        auto cl = headers_.find("Content-Length: ");
        if (cl != std::string::npos) {
            std::size_t length = std::stoul(headers_.substr(cl + 16));
            fill(length, 5000);
            in_.erase(0, std::min(length, in_.size()));
        }
    }
    return status;
}

void raw_client::send_frame(std::uint8_t b0, std::string_view payload, bool mask) {
    send_raw(client_frame(b0, payload, mask));
}

std::uint16_t raw_client::frame::close_code() const {
    if (payload.size() < 2) return 1005;
    return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
}

std::optional<raw_client::frame> raw_client::read_frame(int timeout_ms) {
    if (!fill(2, timeout_ms)) return std::nullopt;
    auto b = [this](std::size_t i) { return static_cast<unsigned char>(in_[i]); };
    std::size_t header = 2;
    std::uint64_t len = b(1) & 0x7F;
    if (len == 126) {
        if (!fill(4, timeout_ms)) return std::nullopt;
        len = (std::uint64_t{b(2)} << 8) | b(3);
        header = 4;
    } else if (len == 127) {
        if (!fill(10, timeout_ms)) return std::nullopt;
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | b(2 + static_cast<std::size_t>(i));
        header = 10;
    }
    if (!fill(header + len, timeout_ms)) return std::nullopt;
    frame f{static_cast<std::uint8_t>(b(0) & 0x0F), (b(0) & 0x80) != 0, in_.substr(header, len)};
    in_.erase(0, header + len);
    return f;
}

std::uint16_t raw_client::read_close_code(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return 0;
        auto f = read_frame(static_cast<int>(left.count()));
        if (!f) return eof_ ? 1006 : 0;
        if (f->opcode == 0x8) return f->close_code();
    }
}

std::string raw_client::read_text(int timeout_ms) {
    for (;;) {
        auto f = read_frame(timeout_ms);
        if (!f) return {};
        if (f->opcode == 0x1) return f->payload;
        if (f->opcode == 0x8) return {};
    }
}

}  // namespace ordercast::testing
