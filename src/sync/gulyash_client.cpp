#include "sync/gulyash_client.hpp"

#include <curl/curl.h>

#include <stdexcept>

namespace ordercast::sync {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) {
    return size * n;
}

std::string describe(CURLcode rc) {
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return "Connection timeout";
        case CURLE_COULDNT_CONNECT:
            return "Connection refused";
        case CURLE_COULDNT_RESOLVE_HOST:
            return "Host not found";
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
            return "Connection reset";
        default:
            return curl_easy_strerror(rc);
    }
}

}  // namespace

gulyash_client::gulyash_client(std::string base_url, std::string api_key, long timeout_ms)
    : url_(std::move(base_url)), api_key_(std::move(api_key)), timeout_ms_(timeout_ms) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!initialised) throw std::runtime_error("libcurl failed to initialise");
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    url_ += "/orders";
    curl_ = curl_easy_init();
    if (!curl_) throw std::runtime_error("libcurl: no handle");
}

gulyash_client::~gulyash_client() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

delivery_result gulyash_client::post_order(std::string_view body,
                                           std::string_view idempotency_key) {
    CURL* c = static_cast<CURL*>(curl_);
    curl_easy_reset(c);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("Authorization: Bearer " + api_key_).c_str());
    headers =
        curl_slist_append(headers, ("Idempotency-Key: " + std::string(idempotency_key)).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    // One bound for connecting and answering together.
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) return {false, describe(rc)};
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return {true, {}};
    return {false, "HTTP " + std::to_string(status)};
}

}  // namespace ordercast::sync
