// RFC 6455 conformance with raw frames against the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "raw_client.hpp"
#include "server_process.hpp"
#include "support/client_frame.hpp"

namespace ordercast::testing {
namespace {

// Under AddressSanitizer freed memory sits in quarantine, so resident size says nothing.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool rss_is_meaningful = false;
#else
constexpr bool rss_is_meaningful = true;
#endif

class Rfc6455 : public ::testing::Test {
protected:
    // The message rate limit is lifted here: these tests are about framing, and the rate
    // limit (which counts every frame) has its own tests below and in the Node suites.
    static void SetUpTestSuite() {
        server_ = new server_process({"--rate-limit-per-s", "1000000"});
    }
    static void TearDownTestSuite() { delete server_; }

    // An authenticated socket past its `connected` message.
    std::unique_ptr<raw_client> open_socket(std::int64_t user_id = 1,
                                            const std::string& role = "admin") {
        auto c = std::make_unique<raw_client>(server_->port());
        EXPECT_EQ(c->handshake("/?token=" + server_->token(user_id, role)), 101);
        auto hello = c->read_text();
        EXPECT_NE(hello.find("\"connected\""), std::string::npos) << hello;
        return c;
    }

    // Runs `attack` twice and returns how far the server's resident size peaked above its
    // start during the second run, so that what the first run set up for good (allocator
    // pools, a shard's buffers) does not count, but anything buffered for a while does.
    template <typename F>
    static long rss_growth_kib(F attack) {
        attack();
        server_->reset_peak_rss();
        long before = server_->rss_kib();
        attack();
        return server_->peak_rss_kib() - before;
    }

    std::uint16_t close_after(std::uint8_t b0, std::string_view payload, bool mask = true) {
        auto c = open_socket();
        c->send_frame(b0, payload, mask);
        return c->read_close_code();
    }

    static server_process* server_;
};
server_process* Rfc6455::server_ = nullptr;

std::string close_payload(int code) {
    return {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
}

TEST_F(Rfc6455, UnmaskedClientFrameIs1002) {
    EXPECT_EQ(close_after(0x81, R"({"type":"ping"})", false), 1002);
}

TEST_F(Rfc6455, ReservedBitsAre1002) {
    EXPECT_EQ(close_after(0xC1, R"({"type":"ping"})"), 1002);
    EXPECT_EQ(close_after(0xA1, R"({"type":"ping"})"), 1002);
    EXPECT_EQ(close_after(0x91, R"({"type":"ping"})"), 1002);
}

TEST_F(Rfc6455, ReservedOpcodesAre1002) {
    for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        EXPECT_EQ(close_after(static_cast<std::uint8_t>(0x80 | op), "x"), 1002) << int(op);
    }
}

TEST_F(Rfc6455, OversizedOrFragmentedPingIs1002) {
    EXPECT_EQ(close_after(0x89, std::string(126, 'p')), 1002);
    EXPECT_EQ(close_after(0x09, "p"), 1002);
}

TEST_F(Rfc6455, BrokenFragmentationIs1002) {
    EXPECT_EQ(close_after(0x80, "orphan continuation"), 1002);
    auto c = open_socket();
    c->send_frame(0x01, R"({"type":)");
    c->send_frame(0x81, R"({"type":"ping"})");
    EXPECT_EQ(c->read_close_code(), 1002);
}

TEST_F(Rfc6455, PingBetweenFragmentsIsAnsweredAndTheMessageArrivesWhole) {
    auto c = open_socket();
    c->send_frame(0x01, R"({"type":"join-)");
    c->send_frame(0x89, "between");
    c->send_frame(0x00, R"(room","data":{"roomId")");
    c->send_frame(0x80, R"(:"city-4-orders"}})");
    auto pong = c->read_frame();
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, 0xA);
    EXPECT_EQ(pong->payload, "between");
    EXPECT_EQ(c->read_text(), R"({"type":"room-joined","data":{"roomId":"city-4-orders"}})");
}

TEST_F(Rfc6455, TextSplitInsideACodePointIsAccepted) {
    auto c = open_socket();
    std::string msg = "{\"type\":\"\xe2\x82\xac\"}";  // the euro sign, cut after its first byte
    auto cut = msg.find('\xe2') + 1;
    c->send_frame(0x01, msg.substr(0, cut));
    c->send_frame(0x80, msg.substr(cut));
    auto reply = boost::json::parse(c->read_text());
    EXPECT_EQ(reply.at("data").at("code"), "unknown-type");
    EXPECT_EQ(reply.at("data").at("requestType"), "\xe2\x82\xac");
}

TEST_F(Rfc6455, InvalidUtf8Is1007) {
    EXPECT_EQ(close_after(0x81, "{\"type\":\"\xc0\xaf\"}"), 1007);          // overlong
    EXPECT_EQ(close_after(0x81, "{\"type\":\"\xed\xa0\x80\"}"), 1007);      // surrogate
    EXPECT_EQ(close_after(0x81, "{\"type\":\"\xf4\x90\x80\x80\"}"), 1007);  // above U+10FFFF
    EXPECT_EQ(close_after(0x88, close_payload(1000) + "\xff"), 1007);       // in a close reason
}

TEST_F(Rfc6455, InvalidCloseCodesAre1002) {
    for (int code : {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999}) {
        EXPECT_EQ(close_after(0x88, close_payload(code)), 1002) << code;
    }
    EXPECT_EQ(close_after(0x88, "\x03"), 1002);
}

TEST_F(Rfc6455, ValidCloseCodesAreEchoed) {
    for (int code : {1000, 1001, 1003, 1008, 1011, 3000, 4000, 4999}) {
        EXPECT_EQ(close_after(0x88, close_payload(code) + "bye"), code) << code;
    }
    EXPECT_EQ(close_after(0x88, ""), 1005);  // an empty close is answered with an empty close
}

TEST_F(Rfc6455, BinaryIs1003) {
    EXPECT_EQ(close_after(0x82, "\x01\x02\x03"), 1003);
}

TEST_F(Rfc6455, MessagesOverTheLimitAre1009AndAtTheLimitAccepted) {
    auto c = open_socket();
    std::string at_limit = R"({"type":"ping","pad":")";
    at_limit += std::string(65536 - at_limit.size() - 2, 'x') + "\"}";
    ASSERT_EQ(at_limit.size(), 65536u);
    c->send_text(at_limit);
    EXPECT_EQ(c->read_text(), R"({"type":"pong"})");
    EXPECT_EQ(close_after(0x81, std::string(65537, 'x')), 1009);
}

TEST_F(Rfc6455, HighBitInA64BitLengthClosesWithoutAllocating) {
    long growth = rss_growth_kib([this] {
        auto c = open_socket();
        c->send_raw(std::string("\x81\xFF\x80\x00\x00\x00\x00\x00\x00\x10", 10) + "mask");
        EXPECT_EQ(c->read_close_code(), 1002);
    });
    if (rss_is_meaningful) {
        EXPECT_LT(growth, 1024);
    }
}

TEST_F(Rfc6455, AHugeLengthClaimIs1009WithMemoryFlat) {
    long growth = rss_growth_kib([this] {
        auto c = open_socket();
        c->send_raw(std::string("\x81\xFF\x00\x00\x01\x00\x00\x00\x00\x00", 10) +
                    "mask");  // 2^40 bytes
        EXPECT_EQ(c->read_close_code(), 1009);
    });
    if (rss_is_meaningful) {
        EXPECT_LT(growth, 1024);
    }
}

TEST_F(Rfc6455, TenThousandTinyFragmentsOverTheLimitAre1009WithMemoryFlat) {
    // 10,000 fragments of 100 bytes: a megabyte if anything buffered them all.
    const std::string fragment(100, 'f');
    long growth = rss_growth_kib([&] {
        auto c = open_socket();
        c->send_frame(0x01, fragment);
        for (int i = 0; i < 10000; ++i) c->send_frame(0x00, fragment);
        EXPECT_EQ(c->read_close_code(), 1009);
    });
    if (rss_is_meaningful) {
        EXPECT_LT(growth, 512);
    }
}

// A client message in many frames costs one message of the rate limit per frame.
TEST(Rfc6455RateLimit, FragmentsAndUnsolicitedPongsCountAgainstTheMessageRate) {
    server_process server;  // the default limit: 100 a second
    for (const std::uint8_t op : {std::uint8_t{0x00}, std::uint8_t{0x8A}}) {
        raw_client c(server.port());
        ASSERT_EQ(c.handshake("/?token=" + server.token(1, "admin")), 101);
        c.read_text();                            // connected
        if (op == 0x00) c.send_frame(0x01, "[");  // a message begun, continued 300 times
        for (int i = 0; i < 300; ++i) c.send_frame(op, "x");
        EXPECT_EQ(c.read_close_code(), 1008) << "opcode " << int(op);
    }
}

// Each socket may park at most one unfinished 64 KiB message, and only for a few seconds.
TEST_F(Rfc6455, AnUnfinishedMessageIsClosedAfterItsDeadline) {
    auto c = open_socket();
    c->send_frame(0x01, std::string(1000, 'a'));  // the first fragment, and nothing more
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(c->read_close_code(9000), 1008);
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::seconds(4));
    EXPECT_LT(waited, std::chrono::seconds(8));
}

// The same on a socket that has been idle a while: the shard, which walks its sockets only
// when one has something due, learns of the new deadline when the message begins.
TEST_F(Rfc6455, AnUnfinishedMessageOnAnIdleSocketIsClosedAfterItsDeadline) {
    auto c = open_socket();
    // Idle past the shard's first ticks, so its next walk is the ping's, 30 s away.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    c->send_frame(0x01, std::string(1000, 'a'));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(c->read_close_code(9000), 1008);
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::seconds(4));
    EXPECT_LT(waited, std::chrono::seconds(8));
}

// A close of ours that the peer never answers: the connection ends at the close handshake's
// deadline (5 s), not at the socket's next ping (30 s). The close here does not come from the
// shard's tick (which files the socket again after it), so close() must file it itself.
TEST_F(Rfc6455, ACloseThePeerNeverAnswersEndsTheConnectionAtTheCloseDeadline) {
    // The server half-closes after its close frame and waits for the peer's; a socket is gone
    // when /metrics no longer counts it.
    const auto open_sockets = [&] {
        raw_client metrics(server_->port());
        const std::string name = "\nordercast_connections_open ";
        const auto res = metrics.http("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto at = res.find(name);
        return at == std::string::npos ? -1L : std::stol(res.substr(at + name.size()));
    };
    auto oldest = open_socket(4242, "user");
    const long before = open_sockets();
    // Idle past the shard's first ticks, so that its next look at the socket is the ping's.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    // One more than a user may hold (16 by default): the oldest is closed, and never answers.
    std::vector<std::unique_ptr<raw_client>> newer;
    for (int i = 0; i < 16; ++i) newer.push_back(open_socket(4242, "user"));
    auto closing = oldest->read_frame(5000);
    ASSERT_TRUE(closing);
    EXPECT_EQ(closing->close_code(), 1008);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(open_sockets(), before + 16);
    while (open_sockets() != before + 15 &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(9))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::seconds(4));
    EXPECT_LT(waited, std::chrono::seconds(8));
}

// The deadline is per message: a client that keeps finishing messages while always having
// begun the next one (reads that end mid-frame) is not cut off.
TEST_F(Rfc6455, MessagesStreamedBackToBackOutliveTheUnfinishedMessageDeadline) {
    auto c = open_socket();
    std::string frame = testing::client_frame(0x81, R"({"type": "ping"})", true);
    const auto half = frame.size() / 2;
    c->send_raw(frame.substr(0, half));
    const auto start = std::chrono::steady_clock::now();
    int pongs = 0;
    // Paced traffic for 7 s, longer than the 5 s deadline; every pause leaves a half frame.
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(7)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        c->send_raw(frame.substr(half) + frame.substr(0, half));
        auto reply = c->read_text();
        ASSERT_NE(reply.find("pong"), std::string::npos) << "after " << pongs << " pongs";
        ++pongs;
    }
    EXPECT_GE(pongs, 20);
}

TEST_F(Rfc6455, SlowlorisIsCutOffByTheHandshakeTimeout) {
    raw_client c(server_->port());
    const std::string request =
        "GET /?token=x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n";
    auto start = std::chrono::steady_clock::now();
    bool closed = false;
    // One byte a second; the server must hang up around the 10 s mark.
    for (std::size_t i = 0; i < request.size() && !closed; ++i) {
        c.send_raw(request.substr(i, 1));
        closed = c.wait_eof(1000);
    }
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(closed);
    EXPECT_GE(took, std::chrono::seconds(9));
    EXPECT_LE(took, std::chrono::seconds(13));
}

}  // namespace
}  // namespace ordercast::testing
