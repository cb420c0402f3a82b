#pragma once

#include "api/route_table.hpp"

namespace ordercast::api {

// What browsers load (docs/protocol.md §12): the staff board at /, the Mini App at /app, the
// files they load under /assets/ (content-hashed names, kept a year), /client.js and
// /openapi.json at fixed URLs.
class web_api {
public:
    void add_routes(route_table& routes);

private:
    static void route_asset(const call& c, respond_fn respond);
};

}  // namespace ordercast::api
