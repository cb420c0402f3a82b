#include "storage/database_url.hpp"

#include <filesystem>

#include "storage/postgres/pg_db.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::storage {

std::unique_ptr<sql::sql_repository> open_sqlite(const std::string& path, bool record_outbox) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto c = std::make_unique<sqlite::connection>(path);
    sqlite::migrate(*c);
    return std::make_unique<sql::sql_repository>(std::move(c), record_outbox);
}

std::unique_ptr<sql::sql_repository> open_postgres(const std::string& url, bool record_outbox) {
    auto c = std::make_unique<postgres::pg_db>(url);
    postgres::migrate(*c);
    return std::make_unique<sql::sql_repository>(std::move(c), record_outbox);
}

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
    if (parsed->type == database_url::kind::sqlite)
        return open_sqlite(parsed->target, record_outbox);
    return open_postgres(parsed->target, record_outbox);
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
