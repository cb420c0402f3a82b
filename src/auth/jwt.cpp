#include "auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "auth/base64url.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::auth {
namespace json = boost::json;

namespace {

std::optional<json::object> decode_object(std::string_view segment) {
    auto bytes = base64url_decode(segment);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(*bytes, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
}

// A NumericDate: a JSON number. Strings, booleans and non-finite values are refused.
std::optional<std::int64_t> numeric_date(const json::value& v) {
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64() &&
        v.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(v.as_uint64());
    }
    if (v.is_double() && std::isfinite(v.as_double()) && std::fabs(v.as_double()) < 9.0e15) {
        return static_cast<std::int64_t>(std::floor(v.as_double()));
    }
    return std::nullopt;
}

std::optional<std::int64_t> numeric_string_id(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    return util::parse_decimal_id(std::string_view(v.as_string()));
}

std::variant<principal, token_error> read_claims(const json::object& claims) {
    principal p;
    if (const auto* uid = claims.if_contains("userId")) {
        auto id = util::json_id(*uid);
        if (!id) return token_error::bad_claims;
        p.user_id = *id;
    } else if (const auto* sub = claims.if_contains("sub")) {
        auto id = numeric_string_id(*sub);
        if (!id) return token_error::bad_claims;
        p.user_id = *id;
    } else {
        return token_error::bad_claims;
    }
    const auto* r = claims.if_contains("role");
    if (!r || !r->is_string()) return token_error::bad_claims;
    auto parsed = parse_role(std::string_view(r->as_string()));
    if (!parsed) return token_error::bad_claims;
    p.who = *parsed;
    if (const auto* cities = claims.if_contains("cityIds")) {
        if (!cities->is_array() || cities->as_array().size() > 1024) return token_error::bad_claims;
        for (const auto& c : cities->as_array()) {
            auto id = util::json_id(c);
            if (!id) return token_error::bad_claims;
            p.city_ids.push_back(*id);
        }
    }
    return p;
}

}  // namespace

std::string_view to_string(token_error e) {
    static constexpr std::array<std::string_view, token_error_count> names = {
        "missing",    "malformed",     "bad_algorithm", "bad_signature",
        "bad_claims", "not_yet_valid", "expired"};
    return names[static_cast<std::size_t>(e)];
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
    return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

jwt_verifier::jwt_verifier(std::string secret, int leeway_s)
    : secret_(std::move(secret)), leeway_s_(leeway_s) {}

std::variant<principal, token_error> jwt_verifier::verify(std::string_view token,
                                                          std::int64_t now_s) const {
    if (token.empty()) return token_error::missing;
    if (token.size() > max_token_bytes) return token_error::malformed;
    auto dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return token_error::malformed;
    auto dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        return token_error::malformed;
    }
    auto header = decode_object(token.substr(0, dot1));
    if (!header) return token_error::malformed;
    const auto* alg = header->if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256") return token_error::bad_algorithm;
    // A critical extension we do not implement must not be ignored (RFC 7515 §4.1.11).
    if (header->contains("crit")) return token_error::malformed;

    auto signature = base64url_decode(token.substr(dot2 + 1));
    if (!signature) return token_error::malformed;
    std::string expected = hmac_sha256(secret_, token.substr(0, dot2));
    if (signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
        return token_error::bad_signature;
    }

    auto claims = decode_object(token.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!claims) return token_error::malformed;
    const auto* exp_v = claims->if_contains("exp");
    if (!exp_v) return token_error::bad_claims;
    auto exp = numeric_date(*exp_v);
    if (!exp) return token_error::bad_claims;
    for (const char* name : {"nbf", "iat"}) {
        const auto* v = claims->if_contains(name);
        if (!v) continue;
        auto t = numeric_date(*v);
        if (!t) return token_error::bad_claims;
        if (*t > now_s + leeway_s_) return token_error::not_yet_valid;
    }
    // Subtracting from now cannot overflow; adding to a huge `exp` could.
    if (now_s - leeway_s_ >= *exp) return token_error::expired;

    auto result = read_claims(*claims);
    if (auto* p = std::get_if<principal>(&result)) {
        p->expires_at = *exp;
        if (const auto* iat = claims->if_contains("iat"))
            p->issued_at = numeric_date(*iat).value_or(0);
    }
    return result;
}

std::string sign_hs256(const principal& p, std::string_view secret, std::int64_t now_s) {
    json::object claims;
    claims["userId"] = p.user_id;
    claims["role"] = to_string(p.who);
    if (!p.city_ids.empty()) {
        json::array cities;
        for (auto id : p.city_ids) cities.push_back(id);
        claims["cityIds"] = std::move(cities);
    }
    claims["iat"] = now_s;
    claims["exp"] = p.expires_at;
    std::string signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                base64url_encode(json::serialize(claims));
    return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

}  // namespace ordercast::auth
