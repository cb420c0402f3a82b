#include <iostream>
#include <string>
#include <vector>

#include "app/admin_commands.hpp"
#include "app/epoch_commands.hpp"
#include "app/logging.hpp"
#include "app/menu_command.hpp"
#include "app/server.hpp"
#include "app/telegram_command.hpp"
#include "app/token_command.hpp"
#include "config/config.hpp"

int main(int argc, char** argv) {
    using namespace ordercast;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "--version") {
        std::cout << "ordercast " << ORDERCAST_VERSION << "\n";
        return 0;
    }
    if (!args.empty() && args[0] == "token")
        return app::token_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "backup")
        return app::backup_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "restore")
        return app::restore_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "log") return app::log_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "migrate")
        return app::migrate_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "user")
        return app::user_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "menu")
        return app::menu_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "telegram")
        return app::telegram_command({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "city")
        return app::city_command({args.begin() + 1, args.end()});
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::cout
            << "usage: ordercast [options]      serve HTTP and WebSocket on one port\n"
               "       ordercast token --help   print a signed token\n"
               "       ordercast --version      print the version\n"
               "       ordercast migrate        create or update the database schema\n"
               "       ordercast backup PATH    a consistent copy of a SQLite database\n"
               "       ordercast restore PATH   put a SQLite backup in place (server stopped)\n"
               "       ordercast log new-epoch  new event log epoch (after a pg_restore)\n"
               "       ordercast user add|list|passwd|remove   staff accounts (user --help)\n"
               "       ordercast menu import FILE   add or update menu items from JSON\n"
               "       ordercast city add NAME      add a city\n"
               "       ordercast telegram init-data ...   signed Mini App initData "
               "(development)\n\n"
               "Each option can also be given as the environment variable named beside it:\n"
            << config::usage();
        return 0;
    }
    config::config cfg;
    try {
        cfg = config::load(args, config::process_env);
    } catch (const config::config_error& e) {
        std::cerr << "ordercast: " << e.what() << "\n";
        return 2;
    }
    app::setup_logging(cfg.log_level, cfg.log_format);
    return app::serve(cfg);
}
