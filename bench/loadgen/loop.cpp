#include "loop.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace ordercast::bench {

std::uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    }
    return true;
}

}  // namespace

loop::loop(std::string host, std::uint16_t port, std::vector<std::string> sources)
    : host_(std::move(host)),
      port_(port),
      sources_(std::move(sources)),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      buffer_(1 << 20) {}

loop::~loop() {
    for (auto* c : conns_) {
        if (c->fd >= 0) ::close(c->fd);
        delete c;
    }
    ::close(epoll_fd_);
}

int loop::new_socket(std::uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!sources_.empty()) {
        // Ports are chosen at connect time per destination, so each source address
        // gives its own ~28k connections.
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in src{};
        src.sin_family = AF_INET;
        inet_pton(AF_INET, sources_[next_source_++ % sources_.size()].c_str(), &src.sin_addr);
        if (bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
            throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
        }
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(port);
    inet_pton(AF_INET, host_.c_str(), &dst.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS) {
        throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    return fd;
}

connection& loop::open_websocket(const std::string& token, const std::string& query) {
    auto* c = new connection;
    const std::size_t n = next_port_++ % (1 + extra_ports_.size());
    c->fd = new_socket(n == 0 ? port_ : extra_ports_[n - 1]);
    c->index = static_cast<std::uint32_t>(conns_.size());
    c->out = "GET /?token=" + token + query + " HTTP/1.1\r\nHost: " + host_ +
             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    conns_.push_back(c);
    epoll_event ev{EPOLLIN | EPOLLOUT, {.ptr = c}};
    c->want_write = true;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &ev);
    return *c;
}

connection& loop::open_http() {
    auto* c = new connection;
    c->type = connection::kind::http;
    c->fd = new_socket(port_);
    c->index = static_cast<std::uint32_t>(conns_.size());
    conns_.push_back(c);
    epoll_event ev{EPOLLIN | EPOLLOUT, {.ptr = c}};
    c->want_write = true;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &ev);
    return *c;
}

void loop::update_interest(connection& c, bool want_write) {
    if (c.want_write == want_write) return;
    c.want_write = want_write;
    const std::uint32_t events = want_write ? EPOLLIN | EPOLLOUT : EPOLLIN;
    epoll_event ev{events, {.ptr = &c}};
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void loop::send(connection& c, std::string_view bytes) {
    c.out.append(bytes);
    if (c.st != connection::state::connecting) flush(c);
}

void loop::send_text(connection& c, std::string_view text) {
    // Client frames must be masked; an all-zero key leaves the payload as it is.
    char header[14];
    std::size_t n = text.size(), h = 2;
    header[0] = static_cast<char>(0x81);
    if (n < 126) {
        header[1] = static_cast<char>(0x80 | n);
    } else {
        header[1] = static_cast<char>(0x80 | 126);
        header[2] = static_cast<char>(n >> 8);
        header[3] = static_cast<char>(n & 0xFF);
        h = 4;
    }
    std::memset(header + h, 0, 4);
    c.out.append(header, h + 4);
    send(c, text);
}

void loop::flush(connection& c) {
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return update_interest(c, true);
        if (n < 0 && errno == EINTR) continue;
        return;  // the read side will see the close
    }
    update_interest(c, false);
}

void loop::drop_websockets() {
    std::vector<connection*> kept;
    for (auto* c : conns_) {
        if (c->type != connection::kind::websocket) {
            c->index = static_cast<std::uint32_t>(kept.size());
            kept.push_back(c);
            continue;
        }
        if (c->fd >= 0) {
            epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
            ::close(c->fd);
        }
        delete c;
    }
    conns_.swap(kept);
    open_ = 0;
    closed_ = 0;
}

void loop::close(connection& c, handlers& h) {
    if (c.st == connection::state::closed) return;
    if (c.st == connection::state::open && c.type == connection::kind::websocket) --open_;
    c.st = connection::state::closed;
    ++closed_;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    if (h.on_closed) h.on_closed(c);
}

void loop::on_writable(connection& c) {
    if (c.st == connection::state::connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) return;  // the read side reports the failure
        c.st = c.type == connection::kind::websocket ? connection::state::handshake
                                                     : connection::state::open;
    }
    flush(c);
}

void loop::on_readable(connection& c, handlers& h) {
    for (;;) {
        ssize_t n = ::recv(c.fd, buffer_.data(), buffer_.size(), 0);
        if (n > 0) {
            c.in.append(buffer_.data(), static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < buffer_.size()) break;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n < 0 && errno == EINTR) continue;
        return close(c, h);
    }
    if (c.type == connection::kind::http) return parse_http(c, h);
    if (!c.upgraded) {
        auto end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) return;
        if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) return close(c, h);
        c.in.erase(0, end + 4);
        c.upgraded = true;
        c.st = connection::state::handshake;
    }
    parse_frames(c, h);
}

void loop::parse_frames(connection& c, handlers& h) {
    std::size_t pos = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(c.in.data());
    const std::size_t size = c.in.size();
    while (c.st != connection::state::closed && size - pos >= 2) {
        std::size_t header = 2;
        std::uint64_t len = p[pos + 1] & 0x7F;
        if (len == 126) {
            if (size - pos < 4) break;
            len = (std::uint64_t{p[pos + 2]} << 8) | p[pos + 3];
            header = 4;
        } else if (len == 127) {
            if (size - pos < 10) break;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | p[pos + 2 + static_cast<std::size_t>(i)];
            header = 10;
        }
        if (size - pos - header < len) break;
        const std::uint8_t op = p[pos] & 0x0F;
        std::string_view payload(c.in.data() + pos + header, static_cast<std::size_t>(len));
        pos += header + static_cast<std::size_t>(len);
        if (op == 0x1) {
            if (c.st == connection::state::handshake) {
                c.st = connection::state::open;
                ++open_;
                if (h.on_open) h.on_open(c);
            } else if (h.on_message) {
                h.on_message(c, payload);
            }
        } else if (op == 0x9) {
            char pong[6 + 125] = {
                static_cast<char>(0x8A), static_cast<char>(0x80 | payload.size()), 0, 0, 0, 0};
            std::memcpy(pong + 6, payload.data(), payload.size());
            send(c, std::string_view(pong, 6 + payload.size()));
        } else if (op == 0x8) {
            c.in.clear();
            return close(c, h);
        }
    }
    c.in.erase(0, pos);
}

void loop::parse_http(connection& c, handlers& h) {
    std::size_t pos = 0;
    for (;;) {
        auto end = c.in.find("\r\n\r\n", pos);
        if (end == std::string::npos) break;
        std::size_t length = 0;
        for (std::size_t line = c.in.find("\r\n", pos) + 2; line < end;) {
            std::size_t next = c.in.find("\r\n", line);
            std::string_view field(c.in.data() + line, next - line);
            if (iequals_prefix(field, "content-length:"))
                length = std::stoul(std::string(field.substr(15)));
            line = next + 2;
        }
        if (c.in.size() < end + 4 + length) break;
        std::string_view status(c.in.data() + pos, 12);
        std::string_view body(c.in.data() + end + 4, length);
        pos = end + 4 + length;
        if (status.substr(9, 3) != "202")
            throw std::runtime_error("publish refused: " + std::string(status));
        if (h.on_http) h.on_http(c, body);
    }
    c.in.erase(0, pos);
}

bool loop::run_until(const std::function<bool()>& done, std::uint64_t deadline_ns, handlers& h) {
    epoll_event events[1024];
    while (!done()) {
        std::uint64_t now = now_ns();
        if (now >= deadline_ns) return false;
        int timeout =
            static_cast<int>(std::min<std::uint64_t>((deadline_ns - now) / 1'000'000 + 1, 100));
        int n = epoll_wait(epoll_fd_, events, 1024, timeout);
        for (int i = 0; i < n; ++i) {
            auto* c = static_cast<connection*>(events[i].data.ptr);
            if (c->st == connection::state::closed) continue;
            if (events[i].events & EPOLLOUT) on_writable(*c);
            if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(*c, h);
        }
    }
    return true;
}

}  // namespace ordercast::bench
