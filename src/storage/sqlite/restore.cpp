#include "storage/sqlite/restore.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "storage/sqlite/backup.hpp"
#include "storage/storage_error.hpp"

namespace ordercast::storage::sqlite {
namespace {

// What `PRAGMA quick_check` says of the file, and whether it is one of ours.
void check_backup(const std::string& path) {
    if (!std::filesystem::is_regular_file(path))
        throw storage_error("restore: no backup file at " + path);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> db(raw, sqlite3_close_v2);
    if (rc != SQLITE_OK) throw storage_error("restore: cannot open " + path);
    auto one_text = [&](const char* sql) -> std::string {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db.get(), sql, -1, &st, nullptr) != SQLITE_OK) return {};
        std::string out;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        return out;
    };
    if (one_text("PRAGMA quick_check") != "ok")
        throw storage_error("restore: " + path + " is not a readable SQLite database");
    if (one_text("SELECT value FROM settings WHERE key = 'event_log'").empty())
        throw storage_error("restore: " + path + " is not an ordercast database");
}

}  // namespace

database_hold::database_hold(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw storage_error("sqlite: cannot open " + path + ": " + std::strerror(errno));
    ::flock(fd_, LOCK_SH);
}

database_hold::~database_hold() {
    if (fd_ >= 0) ::close(fd_);
}

void restore(const std::string& backup_path, const std::string& target) {
    check_backup(backup_path);
    int held = -1;
    if (std::filesystem::exists(target)) {
        held = ::open(target.c_str(), O_RDONLY | O_CLOEXEC);
        if (held < 0)
            throw storage_error("restore: cannot open " + target + ": " + std::strerror(errno));
        if (::flock(held, LOCK_EX | LOCK_NB) != 0) {
            ::close(held);
            throw storage_error("restore: a server is using " + target + "; stop it first");
        }
    }
    const std::string incoming = target + ".restoring";
    std::error_code ec;
    std::filesystem::remove(incoming, ec);
    try {
        backup(backup_path, incoming);
        // The old database's write-ahead log must not be replayed into the restored file.
        std::filesystem::remove(target + "-wal", ec);
        std::filesystem::remove(target + "-shm", ec);
        std::filesystem::rename(incoming, target);
    } catch (...) {
        std::filesystem::remove(incoming, ec);
        if (held >= 0) ::close(held);
        throw;
    }
    if (held >= 0) ::close(held);
}

}  // namespace ordercast::storage::sqlite
