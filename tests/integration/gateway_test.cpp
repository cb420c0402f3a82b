// The WebSocket handshake and lifecycle, with raw sockets.
#include <gtest/gtest.h>

#include <signal.h>
#include <optional>
#include <regex>

#include <boost/json.hpp>

#include "raw_client.hpp"
#include "server_process.hpp"

namespace ordercast::testing {
namespace {

TEST(Gateway, RefusesForeignOriginsBeforeTheUpgrade) {
    server_process server({"--allowed-origins", "https://admin.example,https://app.example"});
    raw_client evil(server.port());
    EXPECT_EQ(
        evil.handshake("/?token=" + server.token(1, "admin"), "Origin: https://evil.example\r\n"),
        403);
    raw_client good(server.port());
    EXPECT_EQ(
        good.handshake("/?token=" + server.token(1, "admin"), "Origin: https://app.example\r\n"),
        101);
    raw_client no_origin(server.port());  // not a browser: nothing to hijack
    EXPECT_EQ(no_origin.handshake("/?token=" + server.token(1, "admin")), 101);
}

TEST(Gateway, RefusesBadHandshakesWithHttpErrors) {
    server_process server;
    raw_client version(server.port());
    auto res = version.http(
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
    EXPECT_EQ(res.rfind("HTTP/1.1 426", 0), 0u) << res;
    EXPECT_NE(res.find("Sec-WebSocket-Version: 13"), std::string::npos);
    raw_client key(server.port());
    res = key.http(
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(res.rfind("HTTP/1.1 400", 0), 0u) << res;
    EXPECT_NE(res.find("\"error\""), std::string::npos);
}

// The `connected` greeting of `user_id` and `role`, with the log's epoch: the epoch, or
// nothing when the text is not that greeting.
std::optional<std::string> greeting_epoch(const std::string& text, int user_id,
                                          const std::string& role) {
    const std::regex shape(R"re(\{"type":"connected","data":\{"userId":)re" +
                           std::to_string(user_id) + R"re(,"role":")re" + role +
                           R"re(","lastEventId":0,"epoch":"([0-9a-f]{8,})"\}\})re");
    std::smatch m;
    if (!std::regex_match(text, m, shape)) return std::nullopt;
    return m[1].str();
}

TEST(Gateway, AcceptsTheTokenOnAnyPathAndInTheAuthorizationHeader) {
    server_process server;
    raw_client path(server.port());
    ASSERT_EQ(path.handshake("/socket/deep?x=1&token=" + server.token(7, "user")), 101);
    const auto first = path.read_text();
    const auto epoch = greeting_epoch(first, 7, "user");
    EXPECT_TRUE(epoch) << first;
    raw_client header(server.port());
    ASSERT_EQ(header.handshake("/", "Authorization: Bearer " + server.token(8, "ceo") + "\r\n"),
              101);
    const auto second = header.read_text();
    EXPECT_EQ(greeting_epoch(second, 8, "ceo"), epoch)
        << second << ": one epoch for every socket of one log";
}

TEST(Gateway, BadTokensUpgradeThenCloseWithoutAnythingElse) {
    server_process server;
    for (const std::string& target : std::vector<std::string>{
             "/", "/?token=", "/?token=abc", "/?token=" + server.token(1, "admin") + "x"}) {
        raw_client c(server.port());
        ASSERT_EQ(c.handshake(target), 101) << target;
        auto f = c.read_frame();
        ASSERT_TRUE(f) << target;
        EXPECT_EQ(f->opcode, 0x8) << "the close frame must be the first frame";
        EXPECT_EQ(f->close_code(), 4001);
        EXPECT_EQ(f->payload.substr(2), "unauthorized");
    }
    raw_client expired(server.port());
    ASSERT_EQ(expired.handshake("/?token=" + server.token(1, "admin", {}, -60)), 101);
    auto f = expired.read_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->close_code(), 4002);
    EXPECT_EQ(f->payload.substr(2), "token expired");
}

TEST(Gateway, TokensNeverReachTheLog) {
    server_process server({"--log-level", "debug"});
    std::string token = server.token(3, "admin");
    {
        raw_client c(server.port());
        ASSERT_EQ(c.handshake("/?token=" + token), 101);
        c.read_text();
        raw_client bad(server.port());
        bad.handshake("/?token=" + token + "tampered");
        bad.read_close_code();
        raw_client http(server.port());
        http.http("GET /healthz?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    server.stop(SIGTERM);
    auto log = server.log();
    EXPECT_EQ(log.find(token.substr(token.rfind('.') + 1)), std::string::npos) << log;
    EXPECT_EQ(log.find("token="), std::string::npos) << log;
}

TEST(Gateway, SilentClientsAreDroppedAfterAMissedPing) {
    server_process server({"--ping-interval-ms", "200"});
    raw_client silent(server.port());
    ASSERT_EQ(silent.handshake("/?token=" + server.token(1, "user")), 101);
    silent.read_text();
    auto ping = silent.read_frame(2000);
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->opcode, 0x9);
    // Not answering: the next ping time is the deadline.
    EXPECT_TRUE(silent.wait_eof(2000));

    raw_client polite(server.port());
    ASSERT_EQ(polite.handshake("/?token=" + server.token(2, "user")), 101);
    polite.read_text();
    for (int i = 0; i < 4; ++i) {
        auto p = polite.read_frame(2000);
        ASSERT_TRUE(p);
        ASSERT_EQ(p->opcode, 0x9);
        polite.send_frame(0x8A, p->payload);
    }
    polite.send_text(R"({"type":"ping"})");
    EXPECT_EQ(polite.read_text(), R"({"type":"pong"})");
}

TEST(Gateway, ShutdownClosesEverySocketWith1001AndExitsZero) {
    server_process server;
    std::vector<std::unique_ptr<raw_client>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(std::make_unique<raw_client>(server.port()));
        ASSERT_EQ(clients.back()->handshake("/?token=" + server.token(i + 1, "user")), 101);
        clients.back()->read_text();
    }
    raw_client idle_http(server.port());
    ASSERT_NE(idle_http.http("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").find("200 OK"),
              std::string::npos);
    kill(server.pid(), SIGTERM);
    for (auto& c : clients) EXPECT_EQ(c->read_close_code(), 1001);
    EXPECT_TRUE(idle_http.wait_eof(5000));
    EXPECT_EQ(server.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace ordercast::testing
