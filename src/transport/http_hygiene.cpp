#include "transport/http_hygiene.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <string>
#include <vector>

#include "wire/http_types.hpp"

namespace ordercast::transport {
namespace http = wire::http;
namespace beast = boost::beast;

void without_body(wire::response& res) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
}

bool expects_continue(const wire::request& req) {
    return beast::iequals(std::string_view(req[http::field::expect]), "100-continue");
}

bool has_obs_fold(std::string_view header) {
    for (auto pos = header.find("\r\n"); pos != std::string_view::npos;
         pos = header.find("\r\n", pos + 2)) {
        if (pos + 2 < header.size() && (header[pos + 2] == ' ' || header[pos + 2] == '\t'))
            return true;
    }
    return false;
}

std::optional<wire::response> check_transfer_encoding(const wire::request& req) {
    std::vector<std::string> codings;
    const auto [first, last] = req.equal_range(http::field::transfer_encoding);
    for (auto field = first; field != last; ++field) {
        std::string_view list(field->value().data(), field->value().size());
        while (true) {
            auto comma = list.find(',');
            auto item = list.substr(0, comma);
            while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
                item.remove_prefix(1);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
                item.remove_suffix(1);
            std::string lower(item);
            for (auto& c : lower)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            codings.push_back(std::move(lower));
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    if (codings.empty()) return std::nullopt;
    if (codings.back() != "chunked" || std::count(codings.begin(), codings.end(), "chunked") != 1) {
        return wire::error_response(http::status::bad_request, "bad-request",
                                    "Transfer-Encoding must end with chunked, once");
    }
    if (codings.size() > 1) {
        return wire::error_response(http::status::not_implemented, "unsupported-encoding",
                                    "only the chunked transfer coding is supported");
    }
    return std::nullopt;
}

}  // namespace ordercast::transport
