// The files the server serves as they are (/client.js, /openapi.json), embedded at
// build time (web/assets): cacheable, revalidated by ETag.
#include "api/router.hpp"
#include "web/assets.hpp"

namespace ordercast::api {

void router::route_asset(const call& c, respond_fn respond) {
    const auto target = std::string_view(c.req.target().data(), c.req.target().size());
    const auto* a = web::find_asset(target.substr(0, target.find('?')));
    if (!a) return respond(error_response(http::status::not_found, "not-found", "no such file"));
    const bool fresh = c.req[http::field::if_none_match] == a->etag;
    response res{fresh ? http::status::not_modified : http::status::ok, 11};
    res.set(http::field::content_type, std::string(a->content_type) + "; charset=utf-8");
    res.set(http::field::etag, a->etag);
    // An unversioned URL: caches keep it five minutes, then ask again (a 304 when unchanged).
    res.set(http::field::cache_control, "public, max-age=300");
    res.set("X-Content-Type-Options", "nosniff");
    if (!fresh) res.body() = std::string(a->body);
    res.prepare_payload();
    respond(std::move(res));
}

}  // namespace ordercast::api
