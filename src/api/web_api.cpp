#include "api/web_api.hpp"

#include "web/assets.hpp"

namespace ordercast::api {
namespace {

// No inline script or style, no eval, nothing from another origin, no framing; with Trusted
// Types required and no policy allowed, a string can never reach innerHTML and the like
// (Chromium): server values go into the page as text only.
constexpr std::string_view board_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'; trusted-types 'none'";

// The Mini App also runs Telegram's script (that one file, nothing else from outside), which
// in Telegram Web (an iframe of web.telegram.org) writes the client's styles into a <style>
// element: inline styles are allowed here, inline script still is not, and only Telegram Web
// may frame the page.
constexpr std::string_view app_policy =
    "default-src 'none'; script-src 'self' https://telegram.org/js/telegram-web-app.js; "
    "style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors https://web.telegram.org";

void set_caching(response& res, const web::asset& a) {
    switch (a.cache) {
        case web::caching::immutable:
            res.set(http::field::cache_control, "public, max-age=31536000, immutable");
            break;
        case web::caching::revalidate:
            // An unversioned URL: caches keep it five minutes, then ask again (a 304 when
            // unchanged).
            res.set(http::field::cache_control, "public, max-age=300");
            break;
        case web::caching::page:
            res.set(http::field::cache_control, "no-store");
            res.set("Referrer-Policy", "no-referrer");
            if (a.path == "/app") {
                res.set("Content-Security-Policy", app_policy);
            } else {
                res.set("Content-Security-Policy", board_policy);
                res.set("Cross-Origin-Opener-Policy", "same-origin");
            }
            break;
    }
}

}  // namespace

void web_api::add_routes(route_table& routes) {
    constexpr auto open = route_table::access::open;
    for (const char* path : {"/", "/app", "/client.js", "/openapi.json", "/assets/{word}/{word}"})
        routes.add(http::verb::get, path, open, route_asset);
}

void web_api::route_asset(const call& c, respond_fn respond) {
    const auto target = std::string_view(c.req.target().data(), c.req.target().size());
    const auto* a = web::find_asset(target.substr(0, target.find('?')));
    if (!a) return respond(error_response(http::status::not_found, "not-found", "no such file"));
    const bool fresh =
        a->cache != web::caching::page && c.req[http::field::if_none_match] == a->etag;
    response res{fresh ? http::status::not_modified : http::status::ok, 11};
    res.set(http::field::content_type, a->content_type);
    if (a->cache != web::caching::page) res.set(http::field::etag, a->etag);
    set_caching(res, *a);
    res.set("X-Content-Type-Options", "nosniff");
    if (!fresh) res.body() = std::string(a->body);
    res.prepare_payload();
    respond(std::move(res));
}

}  // namespace ordercast::api
