#pragma once

#include <string>
#include <string_view>

namespace ordercast::auth {

// Argon2id (libsodium crypto_pwhash_str, interactive limits): slow on purpose. Call from
// a worker thread, never a network thread.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& hash);
// A valid hash of nothing anyone knows, verified against when a login does not exist so
// that unknown logins take as long as wrong passwords.
const std::string& decoy_hash();

}  // namespace ordercast::auth
