#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/utf8_validator.hpp"

namespace ordercast::wire {

// Receives what a ws_reader decodes. Each call returns false to stop reading.
class ws_reader_handler {
public:
    virtual bool on_text(std::string_view message) = 0;
    virtual bool on_ping(std::string_view payload) = 0;
    virtual bool on_pong() = 0;
    // A frame of a fragmented message other than its last (the message itself comes to
    // on_text when it is whole), so that every frame can be counted.
    virtual bool on_fragment() = 0;
    // `code` is 1005 when the frame carried none.
    virtual void on_close(std::uint16_t code, std::string_view reason) = 0;
    // The peer broke the protocol; the connection must be closed with `code`.
    virtual void on_fail(std::uint16_t code, std::string_view reason) = 0;

protected:
    ~ws_reader_handler() = default;
};

// Decodes client-to-server WebSocket frames (RFC 6455 §5) from a byte buffer: checks
// masking, reserved bits, opcodes, control-frame rules, fragmentation, UTF-8 and the size
// limits, and unmasks in place. Sizes are checked against the header before any payload
// is buffered, so a huge length claim costs nothing.
class ws_reader {
public:
    // Narrow types: a reader is in every session, and no message nears these bounds.
    ws_reader(std::uint32_t max_message_bytes, std::uint16_t max_fragments)
        : max_message_(max_message_bytes), max_fragments_(max_fragments) {}

    // Decodes every whole frame in [data, data+n) and returns how many bytes it used;
    // the caller keeps the rest and calls again with more appended. After a close or a
    // failure it decodes nothing more.
    std::size_t consume(char* data, std::size_t n, ws_reader_handler& h);

    bool stopped() const { return stopped_; }
    // Between the first and the last frame of a fragmented message.
    bool in_message() const { return in_message_; }
    // Bytes of an unfinished fragmented message held here.
    std::size_t buffered() const { return message_.capacity(); }

private:
    bool fail(ws_reader_handler& h, std::uint16_t code, std::string_view reason);
    bool on_frame(ws_reader_handler& h, bool fin, std::uint8_t op, char* payload, std::size_t len);

    std::uint32_t max_message_;
    std::uint16_t max_fragments_;
    std::uint16_t fragments_ = 0;  // at most max_fragments_
    std::string message_;          // fragments of the message being assembled
    bool in_message_ = false;
    bool stopped_ = false;
    utf8_validator utf8_;
};

}  // namespace ordercast::wire
