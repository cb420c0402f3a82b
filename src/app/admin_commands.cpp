#include "app/admin_commands.hpp"

#include <iostream>
#include <optional>

#include "auth/password.hpp"
#include "auth/principal.hpp"
#include "config/config.hpp"
#include "storage/database_url.hpp"
#include "storage/sqlite/sqlite_repository.hpp"
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

int migrate_command(const std::vector<std::string>& args) {
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

int user_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] != "add") {
        return fail(
            "usage: ordercast user add --login L --role manager|admin|ceo [--city-id C]... "
            "(password on stdin)");
    }
    std::string login, role;
    std::vector<std::int64_t> cities;
    for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--login") {
            login = args[i + 1];
        } else if (args[i] == "--role") {
            role = args[i + 1];
        } else if (args[i] == "--city-id") {
            auto id = util::parse_decimal_id(args[i + 1]);
            if (!id) return fail("--city-id: a whole number from 1 to 2^53-1");
            cities.push_back(*id);
        } else if (args[i] != "--database-url") {
            return fail("unknown option '" + args[i] + "'");
        }
    }
    // Logins are compared trimmed and case-folded: "Anna " and "anna" are one account.
    login = util::text_key(login);
    if (login.empty() || login.size() > 200) return fail("--login: 1 to 200 characters");
    auto parsed_role = auth::parse_role(role);
    if (!parsed_role || *parsed_role == auth::role::user)
        return fail("--role: manager, admin, ceo or service");
    std::string password;
    std::getline(std::cin, password);
    if (password.size() < 8)
        return fail("the password (one line on stdin) needs at least 8 characters");

    const std::string url = database_url(args);
    try {
        auto repo = storage::open_repository(url, false);
        for (auto city : cities) {
            if (!repo->city_exists(city)) return fail("no city " + std::to_string(city));
        }
        const auto id = repo->add_staff_user(login, auth::hash_password(password), role, cities);
        if (id == 0) return fail("login '" + login + "' is taken");
        std::cout << "user " << id << " (" << role << ") can now log in as " << login << "\n";
        return 0;
    } catch (const storage::storage_error& e) {
        std::cerr << "ordercast user: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace ordercast::app
