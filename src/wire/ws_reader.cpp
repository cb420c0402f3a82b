#include "wire/ws_reader.hpp"

#include "wire/close_code.hpp"

namespace ordercast::wire {
namespace {

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;

bool known_opcode(std::uint8_t op) {
    return op <= op_binary || (op >= op_close && op <= op_pong);
}

void unmask(unsigned char* payload, std::size_t len, const unsigned char* key) {
    for (std::size_t i = 0; i < len; ++i) payload[i] ^= key[i & 3];
}

}  // namespace

bool ws_reader::fail(ws_reader_handler& h, std::uint16_t code, std::string_view reason) {
    stopped_ = true;
    h.on_fail(code, reason);
    return false;
}

std::size_t ws_reader::consume(char* data, std::size_t n, ws_reader_handler& h) {
    std::size_t pos = 0;
    while (!stopped_ && n - pos >= 2) {
        auto* p = reinterpret_cast<unsigned char*>(data + pos);
        const std::size_t avail = n - pos;
        const bool fin = p[0] & 0x80;
        const std::uint8_t op = p[0] & 0x0F;
        const bool control = op & 0x8;
        std::uint64_t len = p[1] & 0x7F;

        if (p[0] & 0x70) return fail(h, close_code::protocol_error, "reserved bits set"), pos;
        if (!known_opcode(op)) return fail(h, close_code::protocol_error, "unknown opcode"), pos;
        if (!(p[1] & 0x80))
            return fail(h, close_code::protocol_error, "client frame not masked"), pos;
        if (control && !fin)
            return fail(h, close_code::protocol_error, "fragmented control frame"), pos;
        if (control && len > 125)
            return fail(h, close_code::protocol_error, "control frame too long"), pos;

        std::size_t header = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = (std::uint64_t{p[2]} << 8) | p[3];
            header = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
            if (len >> 63) return fail(h, close_code::protocol_error, "invalid frame length"), pos;
            header = 10;
        }
        header += 4;  // masking key

        if (!control) {
            if (op == op_continuation && !in_message_) {
                return fail(h, close_code::protocol_error, "continuation without a message"), pos;
            }
            if (op != op_continuation && in_message_) {
                return fail(h, close_code::protocol_error, "new message inside a fragmented one"),
                       pos;
            }
            if (op == op_binary) {
                return fail(h, close_code::unsupported_data, "binary messages are not accepted"),
                       pos;
            }
            const std::size_t so_far = in_message_ ? message_.size() : 0;
            if (len > max_message_ - so_far)
                return fail(h, close_code::message_too_big, "message too big"), pos;
            if ((in_message_ || !fin) && fragments_ + 1 > max_fragments_) {
                return fail(h, close_code::message_too_big, "too many fragments"), pos;
            }
        }
        if (avail < header || avail - header < len) break;

        auto* payload = p + header;
        unmask(payload, static_cast<std::size_t>(len), payload - 4);
        pos += header + static_cast<std::size_t>(len);
        if (!on_frame(h, fin, op, reinterpret_cast<char*>(payload),
                      static_cast<std::size_t>(len))) {
            stopped_ = true;
        }
    }
    return pos;
}

bool ws_reader::on_frame(ws_reader_handler& h, bool fin, std::uint8_t op, char* payload,
                         std::size_t len) {
    auto* bytes = reinterpret_cast<const unsigned char*>(payload);
    switch (op) {
        case op_text:
            utf8_.reset();
            if (!utf8_.feed(bytes, len))
                return fail(h, close_code::invalid_payload, "invalid UTF-8");
            if (fin) {
                if (!utf8_.complete()) return fail(h, close_code::invalid_payload, "invalid UTF-8");
                return h.on_text(std::string_view(payload, len));
            }
            in_message_ = true;
            fragments_ = 1;
            message_.assign(payload, len);
            return h.on_fragment();
        case op_continuation: {
            ++fragments_;
            if (!fin && !h.on_fragment()) return false;
            if (!utf8_.feed(bytes, len))
                return fail(h, close_code::invalid_payload, "invalid UTF-8");
            message_.append(payload, len);
            if (!fin) return true;
            if (!utf8_.complete()) return fail(h, close_code::invalid_payload, "invalid UTF-8");
            in_message_ = false;
            fragments_ = 0;
            bool more = h.on_text(message_);
            // A large message should not pin its buffer for the life of the socket.
            if (message_.capacity() > 4096) {
                std::string().swap(message_);
            } else {
                message_.clear();
            }
            return more;
        }
        case op_close: {
            if (len == 1) return fail(h, close_code::protocol_error, "close payload of one byte");
            std::uint16_t code = close_code::no_status;
            std::string_view reason;
            if (len >= 2) {
                code = static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
                if (!valid_peer_close_code(code))
                    return fail(h, close_code::protocol_error, "invalid close code");
                utf8_validator reason_utf8;
                if (!reason_utf8.feed(bytes + 2, len - 2) || !reason_utf8.complete()) {
                    return fail(h, close_code::invalid_payload, "invalid UTF-8 in close reason");
                }
                reason = std::string_view(payload + 2, len - 2);
            }
            stopped_ = true;
            h.on_close(code, reason);
            return false;
        }
        case op_ping:
            return h.on_ping(std::string_view(payload, len));
        case op_pong:
            return h.on_pong();
        default:
            return fail(h, close_code::protocol_error, "unknown opcode");
    }
}

}  // namespace ordercast::wire
