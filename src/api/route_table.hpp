#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "auth/principal.hpp"

namespace ordercast::api {

// What a matched route hands its handler: the request, its query string, the ids and words
// captured from the path, the caller when the route needs a token, and the client's address.
struct call {
    const request& req;
    std::string_view query;
    std::vector<std::int64_t> ids;
    std::vector<std::string_view> words;
    auth::principal who;
    std::string_view client;
};

using route_handler = std::function<void(const call&, respond_fn)>;

// Every route of every group (orders_api, menu_api, ...), each registered by its group.
// A pattern's segments are literal, `{id}` (a canonical positive id) or `{word}` (any
// segment); only the canonical spelling of a path has segments, so `//api//orders/` names no
// route (one path, one meaning, whatever a proxy in front normalises).
class route_table {
public:
    enum class access : unsigned char { open, token };  // token: checked before the handler

    struct route {
        http::verb method;
        std::string text;  // the pattern as registered: "/api/orders/{id}"
        std::vector<std::string> pattern;
        access needs;
        route_handler handler;
    };

    void add(http::verb method, std::string_view pattern, access needs, route_handler handler);

    // The route for `method` on `target`, its captures in `c`; nothing otherwise, with the
    // methods the path does have in `allowed` (for a 405). HEAD finds GET's route.
    const route* find(http::verb method, std::string_view target, call& c,
                      std::string& allowed) const;
    const std::vector<route>& all() const { return routes_; }
    // Fills `c` with what `r` captures of `target` (again, for a request copied since).
    static void capture(const route& r, std::string_view target, call& c);

private:
    std::vector<route> routes_;
};

}  // namespace ordercast::api
