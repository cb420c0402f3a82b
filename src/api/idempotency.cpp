#include "api/idempotency.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <boost/json.hpp>
#include <vector>

#include "domain/error.hpp"
#include "util/hex.hpp"
#include "util/json_text.hpp"

namespace ordercast::api {

std::optional<std::string> idempotency_key(const request& req, std::optional<response>& refused) {
    if (req.count("Idempotency-Key") == 0) return std::nullopt;
    const std::string key(req["Idempotency-Key"]);
    const bool printable =
        std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
    if (req.count("Idempotency-Key") > 1 || key.empty() || key.size() > 255 || !printable) {
        refused =
            error_response(http::status::bad_request, "bad-idempotency-key",
                           "Idempotency-Key is one header of 1 to 255 printable ASCII characters");
        return std::nullopt;
    }
    return key;
}

namespace {

// The same JSON whatever the order of its members: objects rebuilt with their keys sorted.
boost::json::value sorted(const boost::json::value& v) {
    if (v.is_array()) {
        boost::json::array out;
        for (const auto& item : v.as_array()) out.push_back(sorted(item));
        return out;
    }
    if (!v.is_object()) return v;
    std::vector<const boost::json::key_value_pair*> members;
    for (const auto& kv : v.as_object()) members.push_back(&kv);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    boost::json::object out;
    for (const auto* kv : members) out[kv->key()] = sorted(kv->value());
    return out;
}

}  // namespace

std::string request_hash(const request& req) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(req.body(), ec);
    // Compared as JSON (docs/http-api.md): whitespace and member order do not make another request.
    const std::string canonical = ec ? req.body() : util::to_json_text(sorted(parsed));
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
    return util::hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

response replay(const domain::remembered_answer& answer, const std::string& hash) {
    if (answer.request_hash != hash) {
        throw domain::error(domain::error::kind::unprocessable, "idempotency-key-reused",
                            "this Idempotency-Key was used for a different request; use a new "
                            "key for each checkout");
    }
    response res{static_cast<http::status>(answer.status), 11};
    res.set(http::field::content_type, "application/json");
    res.set("Idempotent-Replayed", "true");
    res.body() = answer.body;
    res.prepare_payload();
    return res;
}

}  // namespace ordercast::api
