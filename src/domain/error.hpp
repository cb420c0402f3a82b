#pragma once

#include <stdexcept>
#include <string>

namespace ordercast::domain {

// A refused request, with a stable code for clients; the API maps `kind` to an HTTP status
// in one place.
struct error : std::runtime_error {
    enum class kind : unsigned char {
        bad_request,
        unauthorized,
        forbidden,
        not_found,
        conflict,
        unprocessable,
        unavailable
    };

    error(kind k, std::string code_, const std::string& message)
        : std::runtime_error(message), type(k), code(std::move(code_)) {}

    kind type;
    std::string code;
};

}  // namespace ordercast::domain
