#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ordercast::auth {

// RFC 4648 §5 without padding, as JWTs use it. Decoding is strict: any other character,
// padding or an impossible length is a failure.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace ordercast::auth
