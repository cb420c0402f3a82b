// HTTP on the WebSocket port: routes, errors and hostile requests, with raw sockets.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <boost/json.hpp>

#include "raw_client.hpp"
#include "server_process.hpp"

namespace ordercast::testing {
namespace {

class HttpApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new server_process(); }
    static void TearDownTestSuite() { delete server_; }

    std::string request(const std::string& raw) {
        raw_client c(server_->port());
        return c.http(raw);
    }
    static int status_of(const std::string& response) {
        return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
    }
    static boost::json::value body_of(const std::string& response) {
        return boost::json::parse(response.substr(response.find("\r\n\r\n") + 4));
    }
    std::string post_event(const std::string& body, const std::string& token) {
        return request("POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
    }

    static server_process* server_;
};
server_process* HttpApi::server_ = nullptr;

TEST_F(HttpApi, HealthAndReadinessAnswer) {
    auto health = request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(health), 200);
    EXPECT_EQ(body_of(health).at("status"), "ok");
    auto ready = request("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(ready), 200);
    EXPECT_EQ(body_of(ready).at("checks").at("broker"), "ok");
}

TEST_F(HttpApi, MetricsArePrometheusText) {
    auto res = request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(res), 200);
    EXPECT_NE(res.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
    for (const char* name :
         {"ordercast_connections_open ", "ordercast_connections_by_role{role=\"admin\"}",
          "ordercast_rooms ", "ordercast_messages_in_total ", "ordercast_messages_out_total ",
          "ordercast_publishes_total ", "ordercast_auth_failures_total{reason=\"expired\"}",
          "ordercast_closes_total{code=\"1008\"}", "ordercast_slow_consumer_drops_total "}) {
        EXPECT_NE(res.find(name), std::string::npos) << name;
    }
}

TEST_F(HttpApi, UnknownPathsAndMethodsAreJsonErrors) {
    auto missing = request("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(missing), 404);
    EXPECT_EQ(body_of(missing).at("error"), "not-found");
    auto method = request("DELETE /api/events HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(method), 405);
    EXPECT_NE(method.find("Allow: POST"), std::string::npos);
}

TEST_F(HttpApi, PublishingNeedsAPublisherToken) {
    const std::string body = R"({"rooms":["admin-orders"],"type":"new-order","data":{}})";
    auto none = request("POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(status_of(none), 401);
    EXPECT_EQ(body_of(none).at("error"), "unauthorized");
    EXPECT_EQ(status_of(post_event(body, "garbage")), 401);
    auto expired = post_event(body, server_->token(1, "admin", {}, -60));
    EXPECT_EQ(status_of(expired), 401);
    EXPECT_EQ(body_of(expired).at("error"), "token-expired");
    EXPECT_EQ(status_of(post_event(body, server_->token(1, "user"))), 403);
    EXPECT_EQ(status_of(post_event(body, server_->token(1, "manager", {1}))), 403);
    for (const char* role : {"service", "admin", "ceo"}) {
        auto ok = post_event(body, server_->token(1, role));
        EXPECT_EQ(status_of(ok), 202) << role;
        EXPECT_EQ(body_of(ok).at("recipients"), 0);
    }
}

TEST_F(HttpApi, PublishingValidatesTheEvent) {
    const auto token = server_->token(1, "service");
    struct bad {
        std::string body;
        std::string error;
    };
    for (const auto& [body, error] : std::vector<bad>{
             {"{not json", "bad-json"},
             {"[]", "bad-request"},
             {R"({"type":"new-order","data":{}})", "bad-request"},
             {R"({"rooms":[],"type":"new-order","data":{}})", "bad-request"},
             {R"({"rooms":"admin-orders","type":"new-order","data":{}})", "bad-request"},
             {R"({"rooms":["lobby"],"type":"new-order","data":{}})", "bad-room"},
             {R"({"rooms":["city-01-orders"],"type":"new-order","data":{}})", "bad-room"},
             {R"({"rooms":[5],"type":"new-order","data":{}})", "bad-room"},
             {R"({"rooms":["admin-orders"],"type":"New Order","data":{}})", "bad-type"},
             {R"({"rooms":["admin-orders"],"data":{}})", "bad-type"},
             {R"({"rooms":["admin-orders"],"type":"new-order","data":[1]})", "bad-request"},
             {R"({"rooms":["admin-orders"],"type":"new-order"})", "bad-request"},
             // The server's replies to one socket cannot be forged into a room.
             {R"({"rooms":["admin-orders"],"type":"connected","data":{}})", "reserved-type"},
             {R"({"rooms":["admin-orders"],"type":"resync","data":{}})", "reserved-type"},
             {R"({"rooms":["admin-orders"],"type":"pong","data":{}})", "reserved-type"},
             {R"({"rooms":["admin-orders"],"type":"error","data":{}})", "reserved-type"},
             {R"({"rooms":["admin-orders"],"type":"room-joined","data":{}})", "reserved-type"},
             {R"({"rooms":["admin-orders"],"type":"room-left","data":{}})", "reserved-type"},
         }) {
        auto res = post_event(body, token);
        EXPECT_EQ(status_of(res), 400) << body;
        EXPECT_EQ(body_of(res).at("error").as_string(), error) << body;
    }
}

TEST_F(HttpApi, HostileRequestsGetClearErrors) {
    auto smuggled = request(
        "POST /api/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: "
        "2\r\n\r\n{}");
    EXPECT_EQ(status_of(smuggled), 400);
    auto both = request(
        "POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: "
        "chunked\r\n\r\n{}");
    EXPECT_EQ(status_of(both), 400);
    auto garbage = request("HELLO THERE\r\n\r\n");
    EXPECT_EQ(status_of(garbage), 400);
    EXPECT_EQ(body_of(garbage).at("error"), "bad-request");
    auto huge_header = request(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(20000, 'a') + "\r\n\r\n");
    EXPECT_EQ(status_of(huge_header), 431);
    auto huge_body =
        request("POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
    EXPECT_EQ(status_of(huge_body), 413);
}

// A body whose end the server cannot know must not run as the next request.
TEST_F(HttpApi, RequestSmugglingThroughTransferEncodingIsRefusedAndTheConnectionClosed) {
    const auto admin = server_->token(1, "admin");
    const std::string smuggled_city =
        "POST /api/cities HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
        "\r\nContent-Length: 20\r\n\r\n{\"name\":\"Smuggled\"}";
    for (const char* coding : {"identity", "xchunked", "chunked, identity", "chunked, chunked"}) {
        raw_client c(server_->port());
        auto res = c.http("POST /api/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " +
                          std::string(coding) + "\r\n\r\n" + smuggled_city);
        EXPECT_EQ(status_of(res), 400) << coding;
        EXPECT_TRUE(c.wait_eof(5000)) << coding << ": the connection closes";
        EXPECT_EQ(c.read_some(200), "") << coding << ": no second response";
    }
    auto cities = request("GET /api/cities HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
                          "\r\n\r\n");
    EXPECT_EQ(status_of(cities), 200);
    EXPECT_EQ(cities.find("Smuggled"), std::string::npos) << cities;

    auto gzip = request(
        "POST /api/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        "2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(status_of(gzip), 501);
    EXPECT_EQ(body_of(gzip).at("error"), "unsupported-encoding");
    auto chunked = request(
        "POST /api/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(status_of(chunked), 401) << "plain chunked bodies still work";
}

TEST_F(HttpApi, FoldedHeaderLinesAreRefused) {
    raw_client c(server_->port());
    auto res = c.http("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Note: first\r\n second\r\n\r\n");
    EXPECT_EQ(status_of(res), 400);
    EXPECT_NE(res.find("obs-fold"), std::string::npos);
    EXPECT_TRUE(c.wait_eof(5000));
    auto tab = request("GET /healthz HTTP/1.1\r\nHost: x\r\n\tX-Hidden: 1\r\n\r\n");
    EXPECT_EQ(status_of(tab), 400);
}

TEST_F(HttpApi, OnlyTheCanonicalSpellingOfAPathIsARoute) {
    const auto user = server_->token(7, "user");
    for (const char* path : {"//api//bonuses/", "/api/bonuses/", "/api//bonuses", "//healthz"}) {
        auto res = request("GET " + std::string(path) +
                           " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + user + "\r\n\r\n");
        EXPECT_EQ(status_of(res), 404) << path;
        EXPECT_EQ(body_of(res).at("error"), "not-found") << path;
    }
    EXPECT_EQ(status_of(request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

TEST_F(HttpApi, AHandshakeWithTwoKeysIsRefused) {
    raw_client c(server_->port());
    EXPECT_EQ(c.handshake("/?token=" + server_->token(1, "admin"),
                          "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"),
              400);
}

TEST_F(HttpApi, AnEventLargerThan64KiBIs413) {
    const auto admin = server_->token(1, "admin");
    const std::string big(70 * 1024, 'x');
    auto res =
        post_event(R"({"rooms":["admin-orders"],"type":"t","data":{"x":")" + big + "\"}}", admin);
    EXPECT_EQ(status_of(res), 413);
    EXPECT_EQ(body_of(res).at("error"), "event-too-large");
    const std::string fits(60 * 1024, 'x');
    auto ok =
        post_event(R"({"rooms":["admin-orders"],"type":"t","data":{"x":")" + fits + "\"}}", admin);
    EXPECT_EQ(status_of(ok), 202);
}

// Requests read ahead of their answers (so pipelined publishes share a write pass) are
// still answered in the order they came, the slow (database) ones included, and all of
// them even when the client half-closes right after sending.
TEST_F(HttpApi, PipelinedRequestsAreAnsweredInOrder) {
    const auto admin = server_->token(1, "admin");
    std::string batch;
    std::vector<int> expected;
    for (int i = 0; i < 40; ++i) {
        if (i % 3 == 0) {
            batch += "GET /api/cities HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
                     "\r\n\r\n";
            expected.push_back(200);
        } else if (i % 3 == 1) {
            batch += "GET /nope-" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            expected.push_back(404);
        } else {
            batch += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
            expected.push_back(200);
        }
    }
    raw_client c(server_->port());
    c.send_raw(batch);
    ::shutdown(c.fd(), SHUT_WR);
    std::vector<int> got;
    for (int i = 0; i < 40; ++i) {
        auto res = c.http("");
        if (res.empty()) break;
        got.push_back(status_of(res));
        if (expected[got.size() - 1] == 404) {
            EXPECT_NE(res.find("/nope-" + std::to_string(i)), std::string::npos) << i;
        }
    }
    EXPECT_EQ(got, expected);
    EXPECT_TRUE(c.wait_eof(5000));
}

TEST_F(HttpApi, KeepAliveServesPipelinedRequests) {
    raw_client c(server_->port());
    c.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(c.http("")), 200);
    EXPECT_EQ(status_of(c.http("")), 404);
}

// HEAD is GET without the body: a body would be read by a keep-alive client as the start of
// its next answer (Node's client then failed on the next response).
TEST_F(HttpApi, HeadAnswersHaveTheHeadersOfGetAndNoBody) {
    raw_client c(server_->port());
    c.send_raw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string both;
    while (both.find("not-found") == std::string::npos) {
        auto more = c.read_some();
        if (more.empty()) break;
        both += more;
    }
    const auto second = both.find("HTTP/1.1 404");
    ASSERT_NE(second, std::string::npos) << both;
    const auto head = both.substr(0, second);
    EXPECT_EQ(status_of(head), 200);
    EXPECT_NE(head.find("Content-Length: 15"), std::string::npos) << "the length a GET gets";
    EXPECT_TRUE(head.ends_with("\r\n\r\n")) << "nothing after the headers: " << head;
    EXPECT_EQ(body_of(both.substr(second)).at("error"), "not-found");
}

// `Expect: 100-continue` is answered before the body is sent (curl waits a second for it).
TEST_F(HttpApi, Expect100ContinueIsAnsweredBeforeTheBody) {
    raw_client c(server_->port());
    const std::string body = R"({"rooms":["admin-orders"],"type":"t","data":{}})";
    c.send_raw("POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               server_->token(900, "service") +
               "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n");
    EXPECT_EQ(c.read_some(2000), "HTTP/1.1 100 Continue\r\n\r\n");
    c.send_raw(body);
    EXPECT_EQ(status_of(c.http("")), 202);
}

}  // namespace
}  // namespace ordercast::testing
