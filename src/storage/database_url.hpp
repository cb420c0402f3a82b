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

#include <memory>

#include "domain/repository.hpp"
#include "storage/sql/sql_repository.hpp"

namespace ordercast::storage {

// The repository on a SQLite file (created, with its folder, when missing) or a PostgreSQL
// database, migrated. With `record_outbox`, every order change also writes its outbox row.
std::unique_ptr<sql::sql_repository> open_sqlite(const std::string& path,
                                                 bool record_outbox = false);
std::unique_ptr<sql::sql_repository> open_postgres(const std::string& url,
                                                   bool record_outbox = false);

// Opens the repository a URL names (migrating it); throws storage_error.
std::unique_ptr<domain::repository> open_repository(const std::string& url, bool record_outbox);
// For the operator's commands: like open_repository, but a SQLite file that does not exist
// is refused (naming the path looked at) rather than created — only the server and
// `ordercast migrate` create a database.
std::unique_ptr<domain::repository> open_existing_repository(const std::string& url);

}  // namespace ordercast::storage
