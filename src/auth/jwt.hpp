#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "auth/principal.hpp"

namespace ordercast::auth {

// Why a token was refused. `expired` is the only one a client can fix by refreshing.
enum class token_error : std::uint8_t {
    missing,
    malformed,
    bad_algorithm,
    bad_signature,
    bad_claims,
    not_yet_valid,
    expired,
};
inline constexpr int token_error_count = 7;

std::string_view to_string(token_error e);

// Tokens longer than this are refused before any decoding.
inline constexpr std::size_t max_token_bytes = 8192;

// Verifies HS256 JWTs with one secret. The algorithm is pinned: the header's `alg` must be
// exactly "HS256", whatever else it says.
class jwt_verifier {
public:
    jwt_verifier(std::string secret, int leeway_s);

    std::variant<principal, token_error> verify(std::string_view token, std::int64_t now_s) const;

private:
    std::string secret_;
    int leeway_s_;
};

// Signs a token for `p` (userId, role, cityIds, exp = p.expires_at, iat = now).
std::string sign_hs256(const principal& p, std::string_view secret, std::int64_t now_s);

// HMAC-SHA256 of `data`; the raw 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace ordercast::auth
