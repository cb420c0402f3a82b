// Any token text: verification must answer without crashing, and accept nothing that was
// not signed with the secret.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "auth/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ordercast::auth::jwt_verifier verifier("fuzzing-secret-0123456789abcdef0123", 5);
    auto result =
        verifier.verify(std::string_view(reinterpret_cast<const char*>(data), size), 1'700'000'000);
    // A random input that verifies would mean a forged signature.
    if (std::holds_alternative<ordercast::auth::principal>(result)) std::abort();
    return 0;
}
