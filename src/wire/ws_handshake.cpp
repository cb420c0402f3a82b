#include "wire/ws_handshake.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <vector>

#include "util/form_fields.hpp"

namespace ordercast::wire {

std::optional<std::string> websocket_accept(std::string_view client_key) {
    // 16 bytes in base64 are 22 characters and "==".
    if (client_key.size() != 24 || !client_key.ends_with("==")) return std::nullopt;
    unsigned char decoded[24];
    int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(client_key.data()), 24);
    if (n != 18) return std::nullopt;  // 18 = 16 bytes plus the two padding positions

    std::string input(client_key);
    input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    int len = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(len));
}

std::string switching_protocols(std::string_view accept) {
    std::string res =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: ";
    res += accept;
    res += "\r\n\r\n";
    return res;
}

namespace {

// The query's fields one by one, each decoded on its own: a broken escape spoils only its own
// field, whose value is then the raw text (never valid: a token that does not verify, a
// position that is not digits). Dropping the whole query instead let the Authorization
// header win over an invalid ?token=, and made a `since` vanish into a fresh connection.
std::vector<std::pair<std::string, std::string>> lenient_fields(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto field = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const auto eq = field.find('=');
        auto key = util::percent_decode(field.substr(0, eq), true);
        if (!key) continue;
        const auto raw = eq == std::string_view::npos ? std::string_view() : field.substr(eq + 1);
        auto value = util::percent_decode(raw, true);
        out.emplace_back(std::move(*key), value ? std::move(*value) : "%" + std::string(raw));
    }
    return out;
}

}  // namespace

handshake_query parse_handshake_query(std::string_view target) {
    handshake_query q;
    auto at = target.find('?');
    if (at == std::string_view::npos) return q;
    auto fields = util::form_fields(target.substr(at + 1));
    if (!fields) fields = lenient_fields(target.substr(at + 1));
    std::optional<std::string> epoch;
    for (auto& [key, value] : *fields) {
        if (key == "token" && !q.token) q.token = std::move(value);
        if (key == "since" && !q.since) q.since = realtime::resume_position{std::move(value), {}};
        if (key == "epoch" && !epoch) epoch = std::move(value);
    }
    if (q.since) q.since->epoch = std::move(epoch);
    return q;
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
    if (allowed.empty()) return true;
    return std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

}  // namespace ordercast::wire
