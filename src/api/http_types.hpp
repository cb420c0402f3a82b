#pragma once

#include "wire/http_types.hpp"

// The API speaks the wire's HTTP types; these names are what its files use.
namespace ordercast::api {

namespace http = wire::http;
using wire::error_response;
using wire::json_response;
using wire::request;
using wire::respond_fn;
using wire::response;
using wire::too_many_requests;

}  // namespace ordercast::api
