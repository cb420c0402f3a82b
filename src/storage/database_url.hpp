#pragma once

#include <optional>
#include <string>

namespace ordercast::storage {

struct database_url {
    enum class kind : unsigned char { sqlite, postgresql } type;
    std::string target;  // sqlite: a file path; postgresql: the whole URL for libpq
};

// `sqlite://data/ordercast.db` (relative), `sqlite:///var/lib/x.db` (absolute),
// `postgresql://...` / `postgres://...`. Nothing for anything else.
std::optional<database_url> parse_database_url(const std::string& url);

}  // namespace ordercast::storage
