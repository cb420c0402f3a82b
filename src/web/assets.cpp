#include "web/assets.hpp"

namespace ordercast::web {

const asset* find_asset(std::string_view path) {
    for (const auto& a : assets()) {
        if (a.path == path) return &a;
    }
    return nullptr;
}

}  // namespace ordercast::web
