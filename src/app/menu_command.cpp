#include "app/menu_command.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/menu_json.hpp"
#include "app/admin_commands.hpp"
#include "domain/error.hpp"
#include "domain/menu_service.hpp"
#include "storage/database_url.hpp"
#include "storage/storage_error.hpp"
#include "util/text_key.hpp"

namespace ordercast::app {
namespace {

constexpr std::size_t max_import_bytes = 8 << 20;

}  // namespace

int menu_command(const std::vector<std::string>& args) {
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::cout
            << "usage: ordercast menu import FILE [--database-url URL]\n"
               "  FILE: a JSON array of {\"name\", \"price\", \"cityIds\"?, \"available\"?};\n"
               "  each item is added, or updates the item of the same name; all or nothing\n";
        return 0;
    }
    if (args.size() < 2 || args[0] != "import" || args[1].starts_with("--"))
        return fail("usage: ordercast menu import FILE [--database-url URL]");
    std::ifstream in(args[1], std::ios::binary);
    if (!in) return fail("cannot read " + args[1]);
    // Read at most one byte past the bound: /dev/zero or a wrong file ends with a clear
    // message, not with all memory taken.
    std::string text(max_import_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_import_bytes)
        return fail(args[1] + ": larger than " + std::to_string(max_import_bytes >> 20) +
                    " MiB; a menu file is a JSON array of items");
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(text, ec);
    if (ec || !parsed.is_array())
        return fail(args[1] + ": expected a JSON array of {name, price, cityIds?, available?}");
    std::vector<domain::menu_item> items;
    for (std::size_t i = 0; i < parsed.as_array().size(); ++i) {
        try {
            items.push_back(api::menu_item_from_json(parsed.as_array()[i]));
        } catch (const domain::error& e) {
            return fail(args[1] + ": item " + std::to_string(i + 1) + ": " + e.what());
        }
    }
    try {
        auto repo = storage::open_existing_repository(database_url(args));
        const int added = domain::menu_service(*repo).import(std::move(items));
        std::cout << "menu: " << added << " added, "
                  << parsed.as_array().size() - static_cast<std::size_t>(added) << " updated\n";
        return 0;
    } catch (const domain::error& e) {
        return fail(args[1] + ": " + e.what());
    } catch (const storage::storage_error& e) {
        std::cerr << "ordercast menu: " << e.what() << "\n";
        return 1;
    }
}

int city_command(const std::vector<std::string>& args) {
    if (std::find(args.begin(), args.end(), "--help") != args.end()) {
        std::cout << "usage: ordercast city add NAME [--database-url URL]\n";
        return 0;
    }
    if (args.size() < 2 || args[0] != "add" || args[1].starts_with("--"))
        return fail("usage: ordercast city add NAME [--database-url URL]");
    const std::string name = util::tidy_name(args[1]);
    if (name.empty() || name.size() > 200) return fail("a city's name is 1 to 200 bytes");
    if (auto why = util::hidden_characters(name)) return fail(*why);
    try {
        auto repo = storage::open_existing_repository(database_url(args));
        auto city = repo->add_city(name);
        if (!city) return fail("a city named '" + name + "' exists");
        std::cout << "city " << city->id << " (" << city->name << ")\n";
        return 0;
    } catch (const storage::storage_error& e) {
        std::cerr << "ordercast city: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace ordercast::app
