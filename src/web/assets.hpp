#pragma once

#include <span>
#include <string_view>

namespace ordercast::web {

// A file the server serves as it is (the official client, the OpenAPI document), embedded at
// build time.
struct asset {
    std::string_view path;
    std::string_view content_type;
    std::string_view body;
    std::string_view etag;  // quoted, from the content's SHA-256
};

std::span<const asset> assets();

// The asset served at `path`, if any.
const asset* find_asset(std::string_view path);

}  // namespace ordercast::web
