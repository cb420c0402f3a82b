#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace ordercast::auth {
namespace {

void init() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string hash_password(std::string_view password) {
    init();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw std::runtime_error("out of memory while hashing a password");
    }
    return out;
}

bool verify_password(std::string_view password, const std::string& hash) {
    init();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

const std::string& decoy_hash() {
    static const std::string hash = [] {
        init();
        char random[32];
        randombytes_buf(random, sizeof random);
        return hash_password(std::string_view(random, sizeof random));
    }();
    return hash;
}

}  // namespace ordercast::auth
