#include "storage/database_url.hpp"

#include <filesystem>

#include "storage/postgres/pg_repository.hpp"
#include "storage/sqlite/sqlite_repository.hpp"
#include "storage/storage_error.hpp"

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

std::unique_ptr<domain::repository> open_repository(const std::string& url, bool record_outbox) {
    auto parsed = parse_database_url(url);
    if (!parsed) throw storage_error("DATABASE_URL: expected sqlite://PATH or postgresql://...");
    if (parsed->type == database_url::kind::sqlite) {
        return std::make_unique<sqlite::sqlite_repository>(parsed->target, record_outbox);
    }
    return std::make_unique<postgres::pg_repository>(parsed->target, record_outbox);
}

std::unique_ptr<domain::repository> open_existing_repository(const std::string& url) {
    auto parsed = parse_database_url(url);
    if (parsed && parsed->type == database_url::kind::sqlite &&
        !std::filesystem::exists(parsed->target)) {
        throw storage_error("no database at " + std::filesystem::absolute(parsed->target).string() +
                            " (from --database-url or DATABASE_URL); the server or `ordercast "
                            "migrate` creates it");
    }
    return open_repository(url, false);
}

}  // namespace ordercast::storage
