#include "auth/telegram_init_data.hpp"

#include <gtest/gtest.h>

#include "auth/password.hpp"

namespace ordercast::auth {
namespace {

const std::string bot = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
constexpr std::int64_t now = 1'700'000'000;

std::string fields(std::int64_t auth_date) {
    return "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%"
           "22Vlad%22%2C"
           "%22username%22%3A%22vdkfrost%22%7D&auth_date=" +
           std::to_string(auth_date);
}

TEST(TelegramInitData, AcceptsWhatTelegramSigned) {
    auto r = validate_init_data(sign_init_data(fields(now - 60), bot), bot, now);
    ASSERT_TRUE(std::holds_alternative<telegram_user>(r));
    EXPECT_EQ(std::get<telegram_user>(r).id, 279058397);
    EXPECT_EQ(std::get<telegram_user>(r).first_name, "Vlad");
    EXPECT_EQ(std::get<telegram_user>(r).username, "vdkfrost");
}

TEST(TelegramInitData, MatchesAnIndependentlyComputedHash) {
    // Computed with Python's hmac module from the same bot token and fields:
    // secret = HMAC_SHA256(b"WebAppData", token); hash = HMAC_SHA256(secret, check_string).hex()
    const std::string data = "auth_date=1700000000&user=%7B%22id%22%3A1%7D";
    const std::string hash = "bb0ed79b1883686b33f09bf4af215efc09e2beef4a338a8be96f884fc010084e";
    EXPECT_EQ(sign_init_data(data, bot), data + "&hash=" + hash);
    EXPECT_TRUE(std::holds_alternative<telegram_user>(
        validate_init_data(data + "&hash=" + hash, bot, now)));
}

TEST(TelegramInitData, RefusesTamperingStalenessAndGarbage) {
    auto signed_data = sign_init_data(fields(now - 60), bot);
    auto tampered = signed_data;
    tampered.replace(tampered.find("Vlad"), 4, "Evil");
    EXPECT_EQ(std::get<init_data_error>(validate_init_data(tampered, bot, now)),
              init_data_error::bad_hash);
    EXPECT_EQ(std::get<init_data_error>(validate_init_data(signed_data, "000:other-bot", now)),
              init_data_error::bad_hash);
    auto old = sign_init_data(fields(now - 86401), bot);
    EXPECT_EQ(std::get<init_data_error>(validate_init_data(old, bot, now)),
              init_data_error::expired);
    for (const std::string& bad : std::vector<std::string>{
             "", "no-equals-sign", "hash=abc", "a=%zz&hash=" + std::string(64, 'a'), fields(now)}) {
        EXPECT_EQ(std::get<init_data_error>(validate_init_data(bad, bot, now)),
                  init_data_error::malformed)
            << bad;
    }
    auto no_user = sign_init_data("auth_date=" + std::to_string(now), bot);
    EXPECT_EQ(std::get<init_data_error>(validate_init_data(no_user, bot, now)),
              init_data_error::no_user);
}

// Signed, so only the bot could have sent it; it once threw on a network thread and ended
// the process.
TEST(TelegramInitData, RefusesSignedIdsThatAreNotWholeNumbersWithoutThrowing) {
    for (const char* id : {"1.5", "1e30", "9223372036854775808", "9007199254740992", "-5", "0",
                           "%22123%22", "null"}) {
        const auto data = "auth_date=" + std::to_string(now) + "&user=%7B%22id%22%3A" + id + "%7D";
        std::variant<telegram_user, init_data_error> r = init_data_error::malformed;
        EXPECT_NO_THROW(r = validate_init_data(sign_init_data(data, bot), bot, now)) << id;
        ASSERT_TRUE(std::holds_alternative<init_data_error>(r)) << id;
        EXPECT_EQ(std::get<init_data_error>(r), init_data_error::no_user) << id;
    }
}

TEST(Password, HashesAreSaltedAndVerify) {
    auto a = hash_password("correct horse");
    auto b = hash_password("correct horse");
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(verify_password("correct horse", a));
    EXPECT_FALSE(verify_password("correct horsf", a));
    EXPECT_FALSE(verify_password("anything", decoy_hash()));
}

}  // namespace
}  // namespace ordercast::auth
