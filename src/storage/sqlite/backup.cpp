#include "storage/sqlite/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <memory>

#include "storage/storage_error.hpp"

namespace ordercast::storage::sqlite {
namespace {

using db_ptr = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;

db_ptr open(const std::string& path, int flags) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    db_ptr owned(db, sqlite3_close_v2);
    if (rc != SQLITE_OK)
        throw storage_error("sqlite: cannot open " + path + ": " + sqlite3_errstr(rc));
    sqlite3_busy_timeout(db, 5000);
    return owned;
}

}  // namespace

void backup(const std::string& source, const std::string& destination) {
    if (!std::filesystem::exists(source)) throw storage_error("sqlite: no database at " + source);
    // The copy holds password hashes and customers' addresses: readable by its owner only,
    // created new (never an existing file, never through a symlink planted in its place).
    const int fd =
        ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        if (err == EEXIST || err == ELOOP)
            throw storage_error("backup: " + destination + " exists; give a new file");
        throw storage_error("backup: cannot create " + destination + ": " + std::strerror(err));
    }
    ::close(fd);
    auto from = open(source, SQLITE_OPEN_READONLY);
    auto to = open(destination, SQLITE_OPEN_READWRITE);
    sqlite3_backup* copy = sqlite3_backup_init(to.get(), "main", from.get(), "main");
    if (!copy) {
        const std::string why = sqlite3_errmsg(to.get());
        to.reset();
        std::filesystem::remove(destination);
        throw storage_error("backup: " + why);
    }
    // All pages in one step: one read transaction, so the copy is one consistent snapshot.
    int rc = SQLITE_OK;
    for (int tries = 0; tries < 100; ++tries) {
        rc = sqlite3_backup_step(copy, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        sqlite3_sleep(50);
    }
    sqlite3_backup_finish(copy);
    if (rc != SQLITE_DONE) {
        to.reset();
        std::filesystem::remove(destination);
        throw storage_error(std::string("backup: ") + sqlite3_errstr(rc));
    }
}

}  // namespace ordercast::storage::sqlite
