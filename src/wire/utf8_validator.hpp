#pragma once

#include <cstddef>
#include <cstdint>

namespace ordercast::wire {

// Incremental UTF-8 validation (RFC 3629): no overlongs, no surrogates, nothing above
// U+10FFFF. Fed fragment by fragment, so a code point may be split across frames.
class utf8_validator {
public:
    // False as soon as the bytes so far cannot start a valid text.
    bool feed(const unsigned char* p, std::size_t n);
    // True when the text fed so far ends on a whole code point.
    bool complete() const { return need_ == 0; }
    void reset() { need_ = 0; }

private:
    std::uint8_t need_ = 0;   // continuation bytes still expected
    std::uint8_t lo_ = 0x80;  // allowed range of the next continuation byte
    std::uint8_t hi_ = 0xBF;
};

}  // namespace ordercast::wire
