#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace ordercast::realtime {

enum class opcode : std::uint8_t {
    continuation = 0,
    text = 1,
    binary = 2,
    close = 8,
    ping = 9,
    pong = 10
};

// One server-to-client WebSocket frame, encoded once. Server frames are unmasked, so the
// same bytes go to every recipient; sessions share the frame by reference count. Frames
// never cross threads, so the count is plain.
class out_frame {
public:
    static out_frame* make(opcode op, std::string_view payload);
    static out_frame* make_close(std::uint16_t code, std::string_view reason);
    // Bytes sent as they are (the handshake response shares the send queue with frames).
    static out_frame* make_raw(std::string_view bytes);

    void retain() { ++refs_; }
    void release() {
        if (--refs_ == 0) destroy();
    }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::uint32_t size() const { return size_; }

    out_frame(const out_frame&) = delete;
    out_frame& operator=(const out_frame&) = delete;

private:
    out_frame(std::uint32_t size) : size_(size) {}
    ~out_frame() = default;
    static out_frame* allocate(std::size_t size);
    void destroy();
    char* bytes() { return reinterpret_cast<char*>(this + 1); }

    std::uint32_t refs_ = 1;
    std::uint32_t size_;
};

// Owns one reference.
class frame_ref {
public:
    frame_ref() = default;
    explicit frame_ref(out_frame* f) : f_(f) {}
    frame_ref(frame_ref&& o) noexcept : f_(std::exchange(o.f_, nullptr)) {}
    frame_ref& operator=(frame_ref&& o) noexcept {
        if (this != &o) {
            if (f_) f_->release();
            f_ = std::exchange(o.f_, nullptr);
        }
        return *this;
    }
    ~frame_ref() {
        if (f_) f_->release();
    }
    out_frame* get() const { return f_; }
    out_frame* operator->() const { return f_; }

private:
    out_frame* f_ = nullptr;
};

}  // namespace ordercast::realtime
