#include "app/admin_commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <optional>

#include "auth/password.hpp"
#include "auth/principal.hpp"
#include "config/config.hpp"
#include "domain/error.hpp"
#include "domain/staff_service.hpp"
#include "storage/database_url.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/storage_error.hpp"
#include "util/decimal_id.hpp"
#include "util/redact.hpp"
#include "util/text_key.hpp"

namespace ordercast::app {

int fail(const std::string& message) {
    std::cerr << "ordercast: " << message << "\n";
    return 2;
}

std::string database_url(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--database-url") return args[i + 1];
    }
    return config::process_env("DATABASE_URL").value_or("sqlite://data/ordercast.db");
}

bool only_database_url(const std::vector<std::string>& args, std::size_t first) {
    for (std::size_t i = first; i < args.size(); i += 2) {
        if (args[i] != "--database-url" || i + 1 >= args.size()) return false;
    }
    return true;
}

int backup_command(const std::vector<std::string>& args) {
    constexpr const char* usage =
        "usage: ordercast backup PATH [--database-url URL]\n"
        "  copies the SQLite database into the new file PATH while the server runs (one\n"
        "  consistent snapshot); for PostgreSQL use pg_dump (docs/operations.md, \"Backups and "
        "upgrades\")";
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::cout << usage << "\n";
        return 0;
    }
    if (args.empty() || args[0].starts_with("--") || !only_database_url(args, 1))
        return fail(usage);
    const auto url = storage::parse_database_url(database_url(args));
    if (!url) return fail("DATABASE_URL: expected sqlite://PATH or postgresql://...");
    if (url->type != storage::database_url::kind::sqlite)
        return fail(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (docs/operations.md, "
            "\"Backups and upgrades\")");
    try {
        storage::sqlite::backup(url->target, args[0]);
        std::cout << "backup of " << url->target << " written to " << args[0] << "\n";
        return 0;
    } catch (const storage::storage_error& e) {
        std::cerr << "ordercast backup: " << e.what() << "\n";
        return 1;
    }
}

int migrate_command(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << "usage: ordercast migrate [--database-url URL]\n"
                     "  creates the database, or applies the schema migrations it lacks (the\n"
                     "  server does this at start too)\n";
        return 0;
    }
    if (!only_database_url(args, 0)) return fail("usage: ordercast migrate [--database-url URL]");
    const std::string url = database_url(args);
    try {
        auto repo = storage::open_repository(url, false);
        std::cout << "database " << util::redact_url(url) << " is migrated to the latest schema\n";
        return 0;
    } catch (const storage::storage_error& e) {
        std::cerr << "ordercast migrate: " << e.what() << "\n";
        return 1;
    }
}

namespace {

constexpr const char* user_usage =
    "usage: ordercast user add --login L --role manager|admin|ceo|service [--city-id C]...\n"
    "       ordercast user list\n"
    "       ordercast user passwd --login L\n"
    "       ordercast user remove --login L\n"
    "  every form also takes --database-url URL (default: DATABASE_URL, else\n"
    "  sqlite://data/ordercast.db); passwords are asked for without echo on a terminal and\n"
    "  read as one line from standard input otherwise; `remove` ends the account: its tokens\n"
    "  name no user any more.";

// The options after the subcommand, each with a value; nothing (after saying why) when one
// is unknown or has no value.
std::optional<std::vector<std::pair<std::string, std::string>>> options_of(
    const std::vector<std::string>& args, std::initializer_list<std::string_view> known) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag != "--database-url" &&
            std::find(known.begin(), known.end(), flag) == known.end()) {
            fail("unknown option '" + flag + "'\n" + user_usage);
            return std::nullopt;
        }
        if (i + 1 >= args.size() || args[i + 1].starts_with("--")) {
            fail(flag + ": missing value");
            return std::nullopt;
        }
        out.emplace_back(flag, args[++i]);
    }
    return out;
}

// One line: from a terminal without echo, else as it comes on stdin.
std::string read_password(const char* prompt) {
    std::string password;
    if (::isatty(STDIN_FILENO)) {
        std::cerr << prompt << std::flush;
        termios old{};
        ::tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::getline(std::cin, password);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
    } else {
        std::getline(std::cin, password);
    }
    return password;
}

int with_repository(const std::vector<std::string>& args,
                    const std::function<int(domain::repository&)>& work) {
    const std::string url = database_url(args);
    try {
        auto repo = storage::open_existing_repository(url);
        return work(*repo);
    } catch (const storage::storage_error& e) {
        std::cerr << "ordercast user: " << e.what() << "\n";
        return 1;
    }
}

int user_add(const std::vector<std::string>& args) {
    auto options = options_of(args, {"--login", "--role", "--city-id"});
    if (!options) return 2;
    std::string login, role;
    std::vector<std::int64_t> cities;
    for (const auto& [flag, value] : *options) {
        if (flag == "--login") login = value;
        if (flag == "--role") role = value;
        if (flag == "--city-id") {
            auto id = util::parse_decimal_id(value);
            if (!id) return fail("--city-id: a whole number from 1 to 2^53-1");
            cities.push_back(*id);
        }
    }
    // The rules of /api/staff too (domain/staff_service), plus the service role.
    domain::new_staff account{login, {}, role, cities};
    try {
        domain::check_identity(account, true);  // before the password is asked for
    } catch (const domain::error& e) {
        return fail(e.what());
    }
    account.password = read_password("Password: ");
    return with_repository(args, [&](domain::repository& repo) {
        try {
            domain::check_password(account.password);  // the rest was checked above
            const auto added =
                domain::add_staff(repo, account, auth::hash_password(account.password));
            std::cout << "user " << added.id << " (" << role << ") can now log in as "
                      << added.login << "\n";
            return 0;
        } catch (const domain::error& e) {
            return fail(e.what());
        }
    });
}

std::string login_of(const std::vector<std::pair<std::string, std::string>>& options) {
    for (const auto& [flag, value] : options) {
        if (flag == "--login") return value;
    }
    return {};
}

}  // namespace

int user_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << user_usage << "\n";
        return args.empty() ? 2 : 0;
    }
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::cout << user_usage << "\n";
        return 0;
    }
    if (args[0] == "add") return user_add(args);
    if (args[0] == "list") {
        auto options = options_of(args, {});
        if (!options) return 2;
        return with_repository(args, [](domain::repository& repo) {
            for (const auto& a : repo.list_staff()) {
                std::cout << a.id << "\t" << a.login << "\t" << a.role;
                for (std::size_t i = 0; i < a.cities.size(); ++i)
                    std::cout << (i ? "," : "\tcities ") << a.cities[i];
                std::cout << "\n";
            }
            return 0;
        });
    }
    if (args[0] == "passwd" || args[0] == "remove") {
        auto options = options_of(args, {"--login"});
        if (!options) return 2;
        const std::string login = login_of(*options);
        if (login.empty()) return fail("--login is required");
        if (args[0] == "passwd") {
            const std::string password = read_password("New password: ");
            try {
                domain::check_password(password);
            } catch (const domain::error& e) {
                return fail(e.what());
            }
            return with_repository(args, [&](domain::repository& repo) {
                if (!repo.set_password(login, auth::hash_password(password)))
                    return fail("no staff account '" + login + "'");
                std::cout << "password of " << util::text_key(login) << " changed\n";
                return 0;
            });
        }
        return with_repository(args, [&](domain::repository& repo) {
            auto id = repo.remove_staff(login);
            if (!id) return fail("no staff account '" + login + "'");
            std::cout << "user " << *id << " removed: its tokens no longer name a user\n";
            return 0;
        });
    }
    return fail("unknown subcommand '" + args[0] + "'\n" + user_usage);
}

}  // namespace ordercast::app
