#pragma once

#include <optional>
#include <string>

#include "api/http_types.hpp"
#include "domain/repository.hpp"

namespace ordercast::api {

// Idempotency-Key on POST /api/orders (docs/protocol.md §7): a customer's retries of one checkout
// get the first answer, and create nothing new.

// The header's value: nothing when it is absent; a 400 when it is not 1-255 printable ASCII
// characters or is given twice.
std::optional<std::string> idempotency_key(const request& req, std::optional<response>& refused);

// What identifies the request's content: the SHA-256 of its body as JSON (whitespace and
// number spelling do not matter, key order does), hex.
std::string request_hash(const request& req);

// The remembered answer, as it was first sent; 422 idempotency-key-reused (thrown as
// domain::error) when the key came with another body.
response replay(const domain::remembered_answer& answer, const std::string& request_hash);

}  // namespace ordercast::api
