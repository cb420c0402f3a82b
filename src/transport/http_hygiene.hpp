#pragma once

#include <optional>
#include <string_view>

#include "wire/http_types.hpp"

// Pure checks of a request before it is served (RFC 9110, 9112): what Beast lets through
// that a proxy in front might read differently.
namespace ordercast::transport {

// The answer to a HEAD: the headers a GET would get, Content-Length included, and no body —
// a body here would be read by a keep-alive client as the start of its next answer.
void without_body(wire::response& res);

// `Expect: 100-continue` (RFC 9110 §10.1.1): the client waits for a 100 before its body.
bool expects_continue(const wire::request& req);

// obs-fold (a header line continued on the next one, RFC 9112 §5.2) is a way to hide one
// header inside another past a proxy; Beast 1.81 quietly joins the lines, so the raw
// header is checked before it is parsed.
bool has_obs_fold(std::string_view header);

// RFC 9112 §6.3: a Transfer-Encoding whose final coding is not `chunked` leaves the body's
// end unknown (400, and the connection closes: what follows may be a smuggled request);
// codings we do not implement are 501. Nothing when the request is fine.
std::optional<wire::response> check_transfer_encoding(const wire::request& req);

}  // namespace ordercast::transport
