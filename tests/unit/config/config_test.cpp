#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ordercast::config {
namespace {

const std::string secret = "0123456789abcdef0123456789abcdef";

env_lookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(Config, DefaultsFollowTheProtocol) {
    auto c = load({}, env_of({{"JWT_SECRET", secret}}));
    EXPECT_EQ(c.port, 3000);
    EXPECT_EQ(c.jwt_leeway_s, 5);
    EXPECT_EQ(c.ping_interval_ms, 30000u);
    EXPECT_EQ(c.send_queue_bytes, 1u << 20);
    EXPECT_EQ(c.rate_limit_per_s, 100u);
    EXPECT_TRUE(c.allowed_origins.empty());
    EXPECT_EQ(c.event_retention_s, 86400);
    EXPECT_EQ(c.replay_limit, 1000);
}

TEST(Config, TheFlagWinsEvenOverAnEnvironmentValueThatWouldNotParse) {
    auto c = load({"--port", "4000", "--log-level=debug"},
                  env_of({{"JWT_SECRET", secret}, {"PORT", "not-a-port"}, {"LOG_LEVEL", "loud"}}));
    EXPECT_EQ(c.port, 4000);
    EXPECT_EQ(c.log_level, "debug");
    EXPECT_THROW(load({}, env_of({{"JWT_SECRET", secret}, {"PORT", "not-a-port"}})), config_error);
}

TEST(Config, ReadsTheEventLogSettingsFromEnvAndFlags) {
    auto c = load(
        {"--replay-limit", "50"},
        env_of({{"JWT_SECRET", secret}, {"EVENT_RETENTION_S", "3600"}, {"REPLAY_LIMIT", "7"}}));
    EXPECT_EQ(c.event_retention_s, 3600);
    EXPECT_EQ(c.replay_limit, 50) << "the flag wins";
}

TEST(Config, FlagsOverrideTheEnvironmentInBothSpellings) {
    auto c = load({"--port", "4000", "--ping-interval-ms=1500", "--allowed-origins",
                   "https://a.example, https://b.example"},
                  env_of({{"JWT_SECRET", secret}, {"PORT", "5000"}, {"JWT_LEEWAY_S", "30"}}));
    EXPECT_EQ(c.port, 4000);
    EXPECT_EQ(c.ping_interval_ms, 1500u);
    EXPECT_EQ(c.jwt_leeway_s, 30);
    EXPECT_EQ(c.allowed_origins,
              (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(Config, RefusesAMissingOrShortSecret) {
    EXPECT_THROW(load({}, env_of({})), config_error);
    EXPECT_THROW(load({}, env_of({{"JWT_SECRET", "short"}})), config_error);
    EXPECT_THROW(load({"--jwt-secret", std::string(31, 'x')}, env_of({})), config_error);
    EXPECT_NO_THROW(load({"--jwt-secret", "0123456789abcdef0123456789abcdef"}, env_of({})));
}

TEST(Config, RefusesSecretsWithTooLittleVariety) {
    // Long enough, and still guessable at once.
    for (const std::string& weak : {std::string(32, ' '), std::string(40, 'x'),
                                    std::string("\t \n \t \n \t \n \t \n \t \n \t \n \t \n \t "),
                                    std::string("abcabcabcabcabcabcabcabcabcabcabcabc")}) {
        EXPECT_THROW(load({"--jwt-secret", weak}, env_of({})), config_error) << weak;
        EXPECT_TRUE(weak_secret(weak)) << weak;
    }
    EXPECT_FALSE(weak_secret("abcdefgh-abcdefgh-abcdefgh-abcdefgh"));
}

// The example environment file's placeholder passes length and variety: a skipped edit
// would let anyone who read the example mint admin tokens.
TEST(Config, RefusesThePlaceholderSecretsOfExampleFiles) {
    for (const std::string& placeholder :
         {std::string("change-me-to-at-least-32-random-bytes-please"),
          std::string("please-CHANGE-ME-0123456789abcdefghijk"),
          std::string("replace-me-with-a-real-secret-0123456789")}) {
        EXPECT_THROW(load({"--jwt-secret", placeholder}, env_of({})), config_error) << placeholder;
        EXPECT_NE(weak_secret(placeholder)->find("openssl rand -hex 32"), std::string::npos);
    }
}

TEST(Config, RefusesAllowedOriginsThatWouldSilentlyMatchNothingOrEverything) {
    auto with = [](const std::string& origins) {
        return load({"--allowed-origins", origins}, env_of({{"JWT_SECRET", secret}}));
    };
    for (const char* bad : {",", " , ", "*", "https://a.example/", "a.example", "https://",
                            "https://a.example/path", "https://*.example", "ftp://a.example"})
        EXPECT_THROW(with(bad), config_error) << bad;
    EXPECT_TRUE(with("").allowed_origins.empty()) << "empty: any origin";
    EXPECT_EQ(with("https://a.example:8443,http://localhost:3000").allowed_origins,
              (std::vector<std::string>{"https://a.example:8443", "http://localhost:3000"}));
}

TEST(Config, RefusesAnInMemorySqliteDatabase) {
    for (const char* url : {"sqlite://:memory:", "sqlite://file::memory:?cache=shared",
                            "sqlite://file:x?mode=memory"})
        EXPECT_THROW(load({}, env_of({{"JWT_SECRET", secret}, {"DATABASE_URL", url}})),
                     config_error)
            << url;
}

TEST(Config, NamesNoPasswordWhenRefusingAUrl) {
    try {
        load({"--jwt-secret", secret, "--redis-url", "rediss://:hunter2-secret@cache"}, env_of({}));
        FAIL() << "a rediss:// URL is refused";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2-secret"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("REDIS_URL"), std::string::npos);
    }
    try {
        load({"--jwt-secret", secret, "--database-url", "mysql://root:hunter2-secret@db/x"},
             env_of({}));
        FAIL() << "a mysql:// URL is refused";
    } catch (const config_error& e) {
        EXPECT_EQ(std::string(e.what()).find("hunter2-secret"), std::string::npos) << e.what();
    }
}

TEST(Config, RefusesValuesOutOfRangeWithTheVariableNamed) {
    auto env = env_of({{"JWT_SECRET", secret}});
    for (auto args : std::vector<std::vector<std::string>>{{"--port", "70000"},
                                                           {"--port", "12ab"},
                                                           {"--port", "-1"},
                                                           {"--jwt-leeway-s", "31"},
                                                           {"--ping-interval-ms", "0"},
                                                           {"--log-level", "loud"},
                                                           {"--log-format", "xml"},
                                                           {"--event-retention-s", "0"},
                                                           {"--event-retention-s", "1y"},
                                                           {"--replay-limit", "0"},
                                                           {"--replay-limit", "100001"},
                                                           {"--no-such-flag", "1"},
                                                           {"--port"}}) {
        EXPECT_THROW(load(args, env), config_error) << args[0];
    }
    try {
        load({"--jwt-leeway-s", "99"}, env);
        FAIL();
    } catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("JWT_LEEWAY_S"), std::string::npos);
    }
}

}  // namespace
}  // namespace ordercast::config
