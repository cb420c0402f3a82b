#pragma once

#include <span>
#include <string_view>

namespace ordercast::web {

// How long a browser may keep an asset (docs/protocol.md §12).
enum class caching : unsigned char {
    revalidate,  // a fixed URL (/client.js, /openapi.json): a few minutes, then a 304 by ETag
    immutable,   // a content-hashed URL under /assets/: a year
    page,        // an HTML page: never kept, so it always names the current hashed assets
};

// A file the server serves as it is (the client, the OpenAPI document, the pages and what
// they load), embedded at build time by cmake/embed_assets.cmake.
struct asset {
    std::string_view path;
    std::string_view content_type;
    std::string_view body;
    std::string_view etag;  // quoted, from the content's SHA-256
    caching cache;
};

std::span<const asset> assets();

// The asset served at `path`, if any.
const asset* find_asset(std::string_view path);

}  // namespace ordercast::web
