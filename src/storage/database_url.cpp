#include "storage/database_url.hpp"

namespace ordercast::storage {

std::optional<database_url> parse_database_url(const std::string& url) {
    const std::string sqlite = "sqlite://";
    if (url.rfind(sqlite, 0) == 0) {
        std::string path = url.substr(sqlite.size());
        if (path.empty()) return std::nullopt;
        return database_url{database_url::kind::sqlite, path};
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        return database_url{database_url::kind::postgresql, url};
    }
    return std::nullopt;
}

}  // namespace ordercast::storage
