#include "wire/utf8_validator.hpp"

#include <cstring>

namespace ordercast::wire {

bool utf8_validator::feed(const unsigned char* p, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
        if (need_ == 0) {
            // Skip ASCII eight bytes at a time; messages are mostly ASCII JSON.
            while (i + 8 <= n) {
                std::uint64_t word;
                std::memcpy(&word, p + i, 8);
                if (word & 0x8080808080808080ULL) break;
                i += 8;
            }
            if (i >= n) break;
            unsigned char b = p[i++];
            if (b < 0x80) continue;
            lo_ = 0x80;
            hi_ = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need_ = 1;
            } else if (b == 0xE0) {
                need_ = 2, lo_ = 0xA0;  // no overlong 3-byte forms
            } else if (b == 0xED) {
                need_ = 2, hi_ = 0x9F;  // no UTF-16 surrogates
            } else if (b >= 0xE1 && b <= 0xEF) {
                need_ = 2;
            } else if (b == 0xF0) {
                need_ = 3, lo_ = 0x90;  // no overlong 4-byte forms
            } else if (b >= 0xF1 && b <= 0xF3) {
                need_ = 3;
            } else if (b == 0xF4) {
                need_ = 3, hi_ = 0x8F;  // nothing above U+10FFFF
            } else {
                return false;
            }
        } else {
            unsigned char b = p[i++];
            if (b < lo_ || b > hi_) return false;
            lo_ = 0x80;
            hi_ = 0xBF;
            --need_;
        }
    }
    return true;
}

}  // namespace ordercast::wire
