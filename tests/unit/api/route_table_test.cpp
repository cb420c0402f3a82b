#include "api/route_table.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ordercast::api {
namespace {

// A table with the shapes of routes the server registers; each handler names its route.
struct table {
    route_table routes;
    table() {
        for (const char* p : {"/", "/api/orders", "/api/orders/{id}", "/assets/{word}/{word}"}) {
            routes.add(http::verb::get, p, route_table::access::open, {});
        }
        routes.add(http::verb::post, "/api/orders", route_table::access::token, {});
    }
    // The pattern found for GET `target` ("" for none), with its captures in `c`.
    std::string find(std::string_view target, call& c, http::verb method = http::verb::get) {
        std::string allowed;
        const auto* r = routes.find(method, target, c, allowed);
        if (!r) return "";
        std::string pattern;
        for (const auto& part : r->pattern) pattern += "/" + part;
        return pattern.empty() ? "/" : pattern;
    }
};

request get;

TEST(RouteTable, TheRootIsARouteOfItsOwn) {
    table t;
    call c{get, {}, {}, {}, {}, {}};
    EXPECT_EQ(t.find("/", c), "/");
    EXPECT_EQ(t.find("/?x=1", c), "/");
    EXPECT_EQ(c.query, "x=1");
    EXPECT_EQ(t.find("//", c), "");
    EXPECT_EQ(t.find("", c), "");
    EXPECT_EQ(t.find("*", c), "");
}

TEST(RouteTable, CapturesIdsAndWords) {
    table t;
    call c{get, {}, {}, {}, {}, {}};
    EXPECT_EQ(t.find("/api/orders/42", c), "/api/orders/{id}");
    ASSERT_EQ(c.ids.size(), 1u);
    EXPECT_EQ(c.ids[0], 42);
    EXPECT_EQ(t.find("/api/orders/042", c), "") << "only a canonical id";
    EXPECT_EQ(t.find("/assets/board/main.0123456789abcdef.js", c), "/assets/{word}/{word}");
    ASSERT_EQ(c.words.size(), 2u);
    EXPECT_EQ(c.words[0], "board");
    EXPECT_EQ(c.words[1], "main.0123456789abcdef.js");
}

TEST(RouteTable, OnlyTheCanonicalSpellingOfAPathIsARoute) {
    table t;
    call c{get, {}, {}, {}, {}, {}};
    for (const char* target :
         {"//api/orders", "/api//orders", "/api/orders/", "api/orders", "/assets/board/"}) {
        EXPECT_EQ(t.find(target, c), "") << target;
    }
}

TEST(RouteTable, AnotherMethodOnAKnownPathNamesTheAllowedOnes) {
    table t;
    call c{get, {}, {}, {}, {}, {}};
    std::string allowed;
    EXPECT_EQ(t.routes.find(http::verb::delete_, "/api/orders", c, allowed), nullptr);
    EXPECT_EQ(allowed, "GET, POST");
    EXPECT_EQ(t.find("/", c, http::verb::head), "/") << "HEAD finds GET's route";
}

}  // namespace
}  // namespace ordercast::api
