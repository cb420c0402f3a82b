#include "realtime/frame.hpp"

#include <cstring>
#include <new>

namespace ordercast::realtime {

out_frame* out_frame::allocate(std::size_t size) {
    void* mem = ::operator new(sizeof(out_frame) + size);
    return new (mem) out_frame(static_cast<std::uint32_t>(size));
}

void out_frame::destroy() {
    this->~out_frame();
    ::operator delete(this);
}

out_frame* out_frame::make(opcode op, std::string_view payload) {
    std::size_t n = payload.size();
    std::size_t header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    out_frame* f = allocate(header + n);
    auto* p = reinterpret_cast<unsigned char*>(f->bytes());
    p[0] = static_cast<unsigned char>(0x80 | static_cast<unsigned>(op));
    if (n < 126) {
        p[1] = static_cast<unsigned char>(n);
    } else if (n <= 0xFFFF) {
        p[1] = 126;
        p[2] = static_cast<unsigned char>(n >> 8);
        p[3] = static_cast<unsigned char>(n);
    } else {
        p[1] = 127;
        for (int i = 0; i < 8; ++i)
            p[2 + i] = static_cast<unsigned char>(static_cast<std::uint64_t>(n) >> (56 - 8 * i));
    }
    if (n) std::memcpy(p + header, payload.data(), n);
    return f;
}

out_frame* out_frame::make_close(std::uint16_t code, std::string_view reason) {
    // Control frame payloads are at most 125 bytes: 2 for the code, the rest for the reason.
    char payload[125];
    payload[0] = static_cast<char>(code >> 8);
    payload[1] = static_cast<char>(code & 0xFF);
    std::size_t n = reason.size() < 123 ? reason.size() : 123;
    if (n) std::memcpy(payload + 2, reason.data(), n);
    return make(opcode::close, std::string_view(payload, n + 2));
}

out_frame* out_frame::make_raw(std::string_view bytes) {
    out_frame* f = allocate(bytes.size());
    if (!bytes.empty()) std::memcpy(f->bytes(), bytes.data(), bytes.size());
    return f;
}

}  // namespace ordercast::realtime
