#pragma once

#include <string>
#include <string_view>

namespace ordercast::sync {

struct delivery_result {
    bool ok = false;
    std::string error;  // for people: "Connection timeout", "Connection refused", "HTTP 503"
};

// Gulyash's HTTP API: POST {base}/orders with the order JSON, a bearer API key and an
// Idempotency-Key. Blocking (libcurl); used from the outbox worker's own thread only.
class gulyash_client {
public:
    gulyash_client(std::string base_url, std::string api_key, long timeout_ms);
    ~gulyash_client();
    gulyash_client(const gulyash_client&) = delete;
    gulyash_client& operator=(const gulyash_client&) = delete;

    delivery_result post_order(std::string_view body, std::string_view idempotency_key);

private:
    std::string url_;
    std::string api_key_;
    long timeout_ms_;
    void* curl_;  // CURL*, reused so connections stay alive between deliveries
};

}  // namespace ordercast::sync
