#include <charconv>

#include "storage/sql/db.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::storage::sql {

std::int64_t rows::int64(int row, int column) const {
    const auto& c = cell(row, column);
    if (!c) return 0;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(c->data(), c->data() + c->size(), v);
    if (ec != std::errc{} || end != c->data() + c->size())
        throw storage_error("not an integer in column " + std::to_string(column) + ": " + *c);
    return v;
}

bool rows::flag(int row, int column) const {
    const auto& c = cell(row, column);
    return c && (*c == "t" || *c == "1" || *c == "true");
}

}  // namespace ordercast::storage::sql
