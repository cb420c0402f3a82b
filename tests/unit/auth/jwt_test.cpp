#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/base64url.hpp"

namespace ordercast::auth {
namespace {

const std::string secret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t now = 1'700'000'000;

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<char*>(out), len);
}

// A token with any header and payload text, signed as asked.
std::string forge(std::string_view header, std::string_view payload,
                  const EVP_MD* md = EVP_sha256(), std::string_view key = secret) {
    std::string input = base64url_encode(header) + "." + base64url_encode(payload);
    return input + "." + base64url_encode(hmac(md, key, input));
}

std::string claims(std::string_view extra = "") {
    return R"({"userId":42,"role":"manager","cityIds":[3,7],"exp":)" + std::to_string(now + 60) +
           std::string(extra) + "}";
}

constexpr const char* hs256 = R"({"alg":"HS256","typ":"JWT"})";

class JwtVerifier : public ::testing::Test {
protected:
    jwt_verifier verifier{secret, 5};

    token_error refused(const std::string& token) {
        auto r = verifier.verify(token, now);
        EXPECT_TRUE(std::holds_alternative<token_error>(r)) << token;
        return std::holds_alternative<token_error>(r) ? std::get<token_error>(r)
                                                      : token_error::missing;
    }
};

TEST_F(JwtVerifier, AcceptsAValidTokenAndReadsItsClaims) {
    auto r = verifier.verify(forge(hs256, claims()), now);
    ASSERT_TRUE(std::holds_alternative<principal>(r));
    const auto& p = std::get<principal>(r);
    EXPECT_EQ(p.user_id, 42);
    EXPECT_EQ(p.who, role::manager);
    EXPECT_EQ(p.city_ids, (std::vector<std::int64_t>{3, 7}));
    EXPECT_EQ(p.expires_at, now + 60);
}

TEST_F(JwtVerifier, AcceptsANumericSubInsteadOfUserId) {
    auto r = verifier.verify(
        forge(hs256, R"({"sub":"77","role":"user","exp":)" + std::to_string(now + 60) + "}"), now);
    ASSERT_TRUE(std::holds_alternative<principal>(r));
    EXPECT_EQ(std::get<principal>(r).user_id, 77);
}

TEST_F(JwtVerifier, RoundTripsWhatItSigns) {
    principal p{.user_id = 9, .who = role::ceo, .city_ids = {1}, .expires_at = now + 10};
    auto r = verifier.verify(sign_hs256(p, secret, now), now);
    ASSERT_TRUE(std::holds_alternative<principal>(r));
    EXPECT_EQ(std::get<principal>(r).who, role::ceo);
}

TEST_F(JwtVerifier, RefusesAlgNoneInAnySpelling) {
    for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
        std::string header = std::string(R"({"alg":")") + alg + R"("})";
        std::string unsigned_token =
            base64url_encode(header) + "." + base64url_encode(claims()) + ".";
        EXPECT_EQ(refused(unsigned_token), token_error::bad_algorithm) << alg;
    }
}

TEST_F(JwtVerifier, RefusesOtherAlgorithmsEvenWithAValidMac) {
    EXPECT_EQ(refused(forge(R"({"alg":"HS512"})", claims(), EVP_sha512())),
              token_error::bad_algorithm);
    EXPECT_EQ(refused(forge(R"({"alg":"RS256"})", claims())), token_error::bad_algorithm);
    EXPECT_EQ(refused(forge(R"({"alg":"hs256"})", claims())), token_error::bad_algorithm);
    EXPECT_EQ(refused(forge(R"({"typ":"JWT"})", claims())), token_error::bad_algorithm);
    EXPECT_EQ(refused(forge(R"({"alg":["HS256"]})", claims())), token_error::bad_algorithm);
}

TEST_F(JwtVerifier, RefusesAWrongSecretAndATamperedPayload) {
    EXPECT_EQ(refused(forge(hs256, claims(), EVP_sha256(), "another-secret-another-secret-!!")),
              token_error::bad_signature);
    std::string token = forge(hs256, claims());
    auto dot1 = token.find('.');
    auto dot2 = token.rfind('.');
    std::string admin = R"({"userId":42,"role":"admin","exp":)" + std::to_string(now + 60) + "}";
    std::string tampered = token.substr(0, dot1 + 1) + base64url_encode(admin) + token.substr(dot2);
    EXPECT_EQ(refused(tampered), token_error::bad_signature);
    EXPECT_EQ(refused(token.substr(0, dot2 + 1)),
              token_error::bad_signature);  // signature stripped
}

TEST_F(JwtVerifier, RefusesExpiredTokensPastTheLeeway) {
    std::string expired = R"({"userId":1,"role":"user","exp":)" + std::to_string(now - 6) + "}";
    EXPECT_EQ(refused(forge(hs256, expired)), token_error::expired);
    std::string within = R"({"userId":1,"role":"user","exp":)" + std::to_string(now - 4) + "}";
    EXPECT_TRUE(std::holds_alternative<principal>(verifier.verify(forge(hs256, within), now)));
}

TEST_F(JwtVerifier, RefusesNbfAndIatInTheFuture) {
    EXPECT_EQ(refused(forge(hs256, claims(R"(,"nbf":)" + std::to_string(now + 30)))),
              token_error::not_yet_valid);
    EXPECT_EQ(refused(forge(hs256, claims(R"(,"iat":)" + std::to_string(now + 30)))),
              token_error::not_yet_valid);
    EXPECT_TRUE(std::holds_alternative<principal>(
        verifier.verify(forge(hs256, claims(R"(,"nbf":)" + std::to_string(now + 3))), now)));
}

TEST_F(JwtVerifier, RefusesMissingOrWronglyTypedClaims) {
    EXPECT_EQ(refused(forge(hs256, R"({"userId":1,"role":"user"})")),
              token_error::bad_claims);  // no exp
    EXPECT_EQ(refused(forge(hs256, R"({"userId":1,"role":"user","exp":")" +
                                       std::to_string(now + 60) + "\"}")),
              token_error::bad_claims);  // exp as a string
    EXPECT_EQ(refused(forge(hs256, claims(R"(,"nbf":"soon")"))), token_error::bad_claims);
    std::string exp = std::to_string(now + 60);
    EXPECT_EQ(refused(forge(hs256, R"({"role":"user","exp":)" + exp + "}")),
              token_error::bad_claims);
    EXPECT_EQ(refused(forge(hs256, R"({"userId":"1","role":"user","exp":)" + exp + "}")),
              token_error::bad_claims);
    EXPECT_EQ(refused(forge(hs256, R"({"userId":-1,"role":"user","exp":)" + exp + "}")),
              token_error::bad_claims);
    EXPECT_EQ(refused(forge(hs256, R"({"sub":"01","role":"user","exp":)" + exp + "}")),
              token_error::bad_claims);
    EXPECT_EQ(refused(forge(hs256, R"({"userId":1,"role":"root","exp":)" + exp + "}")),
              token_error::bad_claims);
    EXPECT_EQ(refused(forge(hs256, R"({"userId":1,"exp":)" + exp + "}")), token_error::bad_claims);
    EXPECT_EQ(
        refused(forge(hs256, R"({"userId":1,"role":"manager","cityIds":["3"],"exp":)" + exp + "}")),
        token_error::bad_claims);
}

TEST_F(JwtVerifier, RefusesMalformedShapes) {
    std::string token = forge(hs256, claims());
    EXPECT_EQ(refused(""), token_error::missing);
    EXPECT_EQ(refused("abc"), token_error::malformed);             // one segment
    EXPECT_EQ(refused(token + ".extra"), token_error::malformed);  // four segments
    EXPECT_EQ(refused("!!!." + token.substr(token.find('.') + 1)),
              token_error::malformed);  // not base64
    EXPECT_EQ(refused(forge("not json", claims())), token_error::malformed);
    EXPECT_EQ(refused(forge(hs256, "[1,2]")), token_error::malformed);  // payload not an object
    EXPECT_EQ(refused(forge(R"({"alg":"HS256","crit":["exp"]})", claims())),
              token_error::malformed);
}

TEST_F(JwtVerifier, AcceptsOnlyTheCanonicalSpellingOfASignature) {
    const std::string token = forge(hs256, claims());
    ASSERT_TRUE(std::holds_alternative<principal>(verifier.verify(token, now)));
    // 32 bytes are 43 characters with 2 bits to spare: the same bytes, spelled 3 more ways.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto last = alphabet.find(token.back());
    ASSERT_EQ(last % 4, 0u) << "the canonical last character has its spare bits clear";
    for (std::size_t spare = 1; spare < 4; ++spare) {
        std::string other = token;
        other.back() = alphabet[last + spare];
        EXPECT_EQ(refused(other), token_error::malformed) << other;
    }
}

TEST_F(JwtVerifier, TakesAnExpiryAtTheEndOfTimeWithoutOverflowing) {
    auto r = verifier.verify(
        forge(hs256, R"({"userId":1,"role":"user","exp":9223372036854775807})"), now);
    ASSERT_TRUE(std::holds_alternative<principal>(r));
    EXPECT_EQ(std::get<principal>(r).expires_at, INT64_MAX);
    EXPECT_EQ(refused(forge(hs256, R"({"userId":1,"role":"user","exp":-9223372036854775808})")),
              token_error::expired);
    EXPECT_EQ(
        refused(forge(hs256, std::string(R"({"userId":1,"role":"user","exp":)") +
                                 std::to_string(now + 60) + R"(,"nbf":9223372036854775807})")),
        token_error::not_yet_valid);
}

TEST_F(JwtVerifier, TakesIdsOnlyUpToWhatJavaScriptHoldsExactly) {
    const std::string exp = std::to_string(now + 60);
    auto ok = verifier.verify(
        forge(hs256, R"({"userId":9007199254740991,"role":"user","exp":)" + exp + "}"), now);
    ASSERT_TRUE(std::holds_alternative<principal>(ok));
    EXPECT_EQ(std::get<principal>(ok).user_id, 9007199254740991);
    for (const char* id : {"9007199254740992", "9223372036854775807", "1.5", "1e3"}) {
        EXPECT_EQ(refused(forge(hs256, std::string(R"({"userId":)") + id +
                                           R"(,"role":"user","exp":)" + exp + "}")),
                  token_error::bad_claims)
            << id;
    }
    EXPECT_EQ(
        refused(forge(hs256, R"({"sub":"9007199254740992","role":"user","exp":)" + exp + "}")),
        token_error::bad_claims);
    EXPECT_EQ(refused(forge(hs256, R"({"userId":1,"role":"manager","cityIds":[9007199254740992],)"
                                   R"("exp":)" +
                                       exp + "}")),
              token_error::bad_claims);
}

TEST_F(JwtVerifier, RefusesHugeTokensBeforeDecoding) {
    std::string padding(10 * 1024, 'a');
    EXPECT_EQ(refused(forge(hs256, claims(R"(,"pad":")" + padding + "\""))),
              token_error::malformed);
}

}  // namespace
}  // namespace ordercast::auth
