#include "app/epoch_commands.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <iostream>

#include "app/admin_commands.hpp"
#include "storage/database_url.hpp"
#include "storage/sqlite/restore.hpp"
#include "storage/storage_error.hpp"
#include "util/random_id.hpp"
#include "util/redact.hpp"

namespace ordercast::app {
namespace {

// Answers --help with `usage`, refuses a command line that is not `valid` with it, and runs
// `body`, turning anything it throws into "ordercast NAME: why" and exit code 1.
int command(const std::vector<std::string>& args, const char* usage, bool valid, const char* name,
            const std::function<int()>& body) {
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        std::cout << usage << "\n";
        return 0;
    }
    if (!valid) return fail(usage);
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << "ordercast " << name << ": " << util::redact_url(e.what()) << "\n";
        return 1;
    }
}

// A new epoch for the log of `url`: the old and the new one.
std::pair<std::string, std::string> renew_epoch(const std::string& url) {
    auto repo = storage::open_existing_repository(url);
    auto old = repo->log_name(util::random_id());
    auto fresh = util::random_id();
    repo->rename_log(fresh);
    return {std::move(old), std::move(fresh)};
}

}  // namespace

int restore_command(const std::vector<std::string>& args) {
    constexpr const char* usage =
        "usage: ordercast restore BACKUP [--database-url URL]\n"
        "  with the server stopped, puts the SQLite backup BACKUP (from `ordercast backup`) in\n"
        "  place of the database and gives its event log a new epoch: clients that resume\n"
        "  with the old one are told to resync instead of silently missing events whose ids\n"
        "  the restored log hands out again. For PostgreSQL restore with pg_restore, then run\n"
        "  `ordercast log new-epoch` (docs/operations.md, \"Backups and upgrades\").";
    const bool valid = !args.empty() && !args[0].starts_with("--") && only_database_url(args, 1);
    return command(args, usage, valid, "restore", [&] {
        const auto url = storage::parse_database_url(database_url(args));
        if (!url) return fail("DATABASE_URL: expected sqlite://PATH or postgresql://...");
        if (url->type != storage::database_url::kind::sqlite)
            return fail(
                "restore puts SQLite backups in place; for PostgreSQL use pg_restore, then "
                "`ordercast log new-epoch` (docs/operations.md, \"Backups and upgrades\")");
        storage::sqlite::restore(args[0], url->target);
        const auto [old, fresh] = renew_epoch("sqlite://" + url->target);
        std::cout << "restored " << args[0] << " into " << url->target << "; event log epoch "
                  << old << " -> " << fresh << "\n";
        return 0;
    });
}

int log_command(const std::vector<std::string>& args) {
    constexpr const char* usage =
        "usage: ordercast log new-epoch [--database-url URL]\n"
        "  gives the event log a new epoch. Run it after restoring a database from a backup\n"
        "  (pg_restore), with every instance stopped: clients resuming with the old epoch are\n"
        "  told to resync, and the instances' Redis channel changes with it, so a restored\n"
        "  copy never exchanges events with the original.";
    const bool valid = !args.empty() && args[0] == "new-epoch" && only_database_url(args, 1);
    return command(args, usage, valid, "log", [&] {
        const std::string url = database_url(args);
        const auto [old, fresh] = renew_epoch(url);
        std::cout << "event log of " << util::redact_url(url) << ": epoch " << old << " -> "
                  << fresh << "\n";
        return 0;
    });
}

}  // namespace ordercast::app
