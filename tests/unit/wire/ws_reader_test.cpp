#include "wire/ws_reader.hpp"

#include "support/client_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ordercast::wire {
namespace {

// A client frame: masked unless told otherwise, with an explicit first byte.
std::string frame(unsigned char b0, std::string_view payload, bool mask = true) {
    return testing::client_frame(b0, payload, mask);
}
std::string text(std::string_view p, bool fin = true) {
    return frame(fin ? 0x81 : 0x01, p);
}
std::string cont(std::string_view p, bool fin = true) {
    return frame(fin ? 0x80 : 0x00, p);
}

struct events : ws_reader_handler {
    std::vector<std::string> texts, pings;
    int pongs = 0;
    int fragments = 0;
    int close_code = 0;
    std::string close_reason;
    int fail_code = 0;
    bool on_text(std::string_view m) override { return texts.emplace_back(m), true; }
    bool on_ping(std::string_view p) override { return pings.emplace_back(p), true; }
    bool on_pong() override { return ++pongs, true; }
    bool on_fragment() override { return ++fragments, true; }
    void on_close(std::uint16_t code, std::string_view reason) override {
        close_code = code;
        close_reason = reason;
    }
    void on_fail(std::uint16_t code, std::string_view) override { fail_code = code; }
};

struct reader_fixture : ::testing::Test {
    ws_reader reader{64 * 1024, 1024};
    events ev;
    std::size_t feed(std::string bytes) { return reader.consume(bytes.data(), bytes.size(), ev); }
};

TEST_F(reader_fixture, DecodesMaskedTextOfEverySizeClass) {
    std::string mid(300, 'm'), big(65536, 'b');
    feed(text("hello") + text(mid) + text(big));
    ASSERT_EQ(ev.texts.size(), 3u);
    EXPECT_EQ(ev.texts[0], "hello");
    EXPECT_EQ(ev.texts[1], mid);
    EXPECT_EQ(ev.texts[2], big);
    EXPECT_EQ(ev.fail_code, 0);
}

TEST_F(reader_fixture, WaitsForTheRestOfAFrame) {
    std::string f = text("split me");
    for (std::size_t cut = 0; cut < f.size(); ++cut) {
        ws_reader r(1024, 16);
        events e;
        std::string first = f.substr(0, cut);
        std::size_t used = r.consume(first.data(), first.size(), e);
        EXPECT_EQ(used, 0u);
        std::string whole = f;
        EXPECT_EQ(r.consume(whole.data(), whole.size(), e), f.size());
        ASSERT_EQ(e.texts.size(), 1u);
    }
}

TEST_F(reader_fixture, AssemblesFragmentsWithPingsBetweenThem) {
    feed(text("ab", false) + frame(0x89, "p") + cont("cd", false) + cont("ef"));
    EXPECT_EQ(ev.texts, std::vector<std::string>{"abcdef"});
    EXPECT_EQ(ev.pings, std::vector<std::string>{"p"});
}

TEST_F(reader_fixture, ReportsEveryFrameOfAFragmentedMessageButTheLastForRateLimits) {
    feed(text("a", false) + cont("b", false) + cont("c", false) + cont("d"));
    EXPECT_EQ(ev.fragments, 3);
    EXPECT_EQ(ev.texts, std::vector<std::string>{"abcd"});
}

TEST_F(reader_fixture, AcceptsTextSplitInsideACodePoint) {
    feed(text("\xe2", false) + cont("\x82", false) + cont("\xac"));
    EXPECT_EQ(ev.texts, std::vector<std::string>{"\xe2\x82\xac"});
}

TEST_F(reader_fixture, ProtocolViolationsFailWith1002) {
    const std::vector<std::string> violations = {
        frame(0x81, "x", false),  // unmasked
        frame(0xC1, "x"),
        frame(0xA1, "x"),
        frame(0x91, "x"),  // RSV1..3
        frame(0x83, "x"),
        frame(0x87, "x"),
        frame(0x8B, "x"),
        frame(0x8F, "x"),                    // reserved opcodes
        frame(0x89, std::string(126, 'p')),  // ping over 125 bytes
        frame(0x09, "p"),                    // fragmented ping
        cont("orphan"),                      // continuation without a start
        text("a", false) + text("b"),        // new message inside a fragmented one
        frame(0x88, "\x03"),                 // one-byte close payload
    };
    for (const auto& bytes : violations) {
        ws_reader r(64 * 1024, 1024);
        events e;
        std::string b = bytes;
        r.consume(b.data(), b.size(), e);
        EXPECT_EQ(e.fail_code, 1002) << ::testing::PrintToString(bytes);
        EXPECT_TRUE(e.texts.empty());
    }
}

TEST_F(reader_fixture, InvalidCloseCodesFailWith1002AndValidOnesAreReported) {
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000}) {
        ws_reader r(1024, 16);
        events e;
        std::string payload = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
        std::string b = frame(0x88, payload);
        r.consume(b.data(), b.size(), e);
        EXPECT_EQ(e.fail_code, 1002) << code;
    }
    for (int code :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
        ws_reader r(1024, 16);
        events e;
        std::string payload = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF), 'o',
                               'k'};
        std::string b = frame(0x88, payload);
        r.consume(b.data(), b.size(), e);
        EXPECT_EQ(e.fail_code, 0) << code;
        EXPECT_EQ(e.close_code, code);
        EXPECT_EQ(e.close_reason, "ok");
    }
    feed(frame(0x88, ""));
    EXPECT_EQ(ev.close_code, 1005);
}

TEST_F(reader_fixture, InvalidUtf8FailsWith1007) {
    for (std::string bad : {text("\xc0\xaf"), text("\xed\xa0\x80"), text("\xf4\x90\x80\x80"),
                            text("\xe2\x82", false) + cont("x"), frame(0x88, "\x03\xe8\xff")}) {
        ws_reader r(1024, 16);
        events e;
        r.consume(bad.data(), bad.size(), e);
        EXPECT_EQ(e.fail_code, 1007) << ::testing::PrintToString(bad);
        EXPECT_TRUE(e.texts.empty());
    }
}

TEST_F(reader_fixture, BinaryFailsWith1003) {
    feed(frame(0x82, "\x01\x02"));
    EXPECT_EQ(ev.fail_code, 1003);
}

TEST_F(reader_fixture, OversizeClaimsFailFromTheHeaderAlone) {
    // Only the header of a 2^40-byte frame: refused before any payload exists.
    std::string header = "\x81\xFF";
    std::uint64_t n = std::uint64_t{1} << 40;
    for (int i = 7; i >= 0; --i) header += static_cast<char>((n >> (8 * i)) & 0xFF);
    header += "abcd";
    EXPECT_EQ(feed(header), 0u);
    EXPECT_EQ(ev.fail_code, 1009);
}

TEST_F(reader_fixture, A64BitLengthWithTheHighBitSetIsAProtocolError) {
    std::string header("\x81\xFF\x80\x00\x00\x00\x00\x00\x00\x01", 10);
    header += "abcd";
    feed(header);
    EXPECT_EQ(ev.fail_code, 1002);
}

TEST_F(reader_fixture, FragmentsOverTheLimitFailWith1009) {
    ws_reader r(64 * 1024, 1024);
    events e;
    std::string all = text("0123456", false);
    for (int i = 0; i < 10000 && e.fail_code == 0; ++i) {
        all += cont("0123456", false);
    }
    r.consume(all.data(), all.size(), e);
    EXPECT_EQ(e.fail_code, 1009);
    EXPECT_LE(r.buffered(), 64u * 1024 + 4096);
}

TEST_F(reader_fixture, AMessageOverTheSizeLimitFailsWith1009) {
    feed(text(std::string(65537, 'x')));
    EXPECT_EQ(ev.fail_code, 1009);
    ws_reader r(100, 1024);
    events e;
    std::string b = text(std::string(60, 'a'), false) + cont(std::string(60, 'b'));
    r.consume(b.data(), b.size(), e);
    EXPECT_EQ(e.fail_code, 1009);
}

TEST_F(reader_fixture, StopsDecodingAfterAClose) {
    std::string b = frame(0x88, "\x03\xe8") + text("after");
    feed(b);
    EXPECT_EQ(ev.close_code, 1000);
    EXPECT_TRUE(ev.texts.empty());
    EXPECT_TRUE(reader.stopped());
}

}  // namespace
}  // namespace ordercast::wire
