#pragma once

#include <string>

namespace ordercast::storage::sqlite {

// Held by a running server on its SQLite database (a shared flock on the file, which does
// not touch SQLite's own POSIX locks): `restore` refuses to replace a database in use.
// Opens (creating, when new) the file; throws storage_error when it cannot.
class database_hold {
public:
    explicit database_hold(const std::string& path);
    ~database_hold();
    database_hold(const database_hold&) = delete;
    database_hold& operator=(const database_hold&) = delete;

private:
    int fd_ = -1;
};

// Puts the backup at `backup_path` in place of the database at `target`: checks that it is
// an ordercast database SQLite reads whole, refuses while a server holds `target`, copies it
// in beside the target and renames it over (the old database's WAL and shared-memory files
// go with it). The caller then gives the log a new epoch. Throws storage_error.
void restore(const std::string& backup_path, const std::string& target);

}  // namespace ordercast::storage::sqlite
