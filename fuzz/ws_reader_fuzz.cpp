// Client bytes of any shape, fed in pieces of any size: the reader must never read out of
// bounds, never hand over invalid UTF-8 or an oversize message, and stop after a failure.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wire/utf8_validator.hpp"
#include "wire/ws_reader.hpp"

namespace {

constexpr std::size_t max_message = 4096;

struct checker : ordercast::wire::ws_reader_handler {
    bool done = false;
    bool on_text(std::string_view m) override {
        ordercast::wire::utf8_validator v;
        if (done || m.size() > max_message ||
            !v.feed(reinterpret_cast<const unsigned char*>(m.data()), m.size()) || !v.complete()) {
            std::abort();
        }
        return true;
    }
    bool on_ping(std::string_view p) override {
        if (done || p.size() > 125) std::abort();
        return true;
    }
    bool on_pong() override { return !done || (std::abort(), false); }
    bool on_fragment() override { return !done || (std::abort(), false); }
    void on_close(std::uint16_t, std::string_view) override { finish(); }
    void on_fail(std::uint16_t code, std::string_view) override {
        if (code != 1002 && code != 1003 && code != 1007 && code != 1009) std::abort();
        finish();
    }
    void finish() {
        if (done) std::abort();
        done = true;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    ordercast::wire::ws_reader reader(max_message, 16);
    checker h;
    std::string pending;
    for (std::size_t at = 1; at < size && !reader.stopped(); at += chunk) {
        pending.append(reinterpret_cast<const char*>(data + at), std::min(chunk, size - at));
        std::size_t used = reader.consume(pending.data(), pending.size(), h);
        if (used > pending.size()) std::abort();
        pending.erase(0, used);
    }
    return 0;
}
