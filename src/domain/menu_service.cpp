#include "domain/menu_service.hpp"

#include <algorithm>

#include "domain/error.hpp"
#include "domain/order_service.hpp"
#include "util/text_key.hpp"

namespace ordercast::domain {

void menu_service::require_staff_admin(const auth::principal& who) {
    require_known(repo_, who);
    if (!who.is_staff_admin())
        throw error(error::kind::forbidden, "forbidden", "only admin and ceo may change the menu");
}

std::string menu_service::checked_name(const std::string& name) {
    std::string tidy = util::tidy_name(name);
    if (tidy.empty() || tidy.size() > max_menu_name)
        throw error(error::kind::bad_request, "bad-name", "a menu item's name is 1 to 200 bytes");
    if (auto why = util::hidden_characters(tidy))
        throw error(error::kind::bad_request, "bad-name", *why);
    return tidy;
}

std::vector<std::int64_t> menu_service::checked_cities(std::vector<std::int64_t> cities) {
    std::sort(cities.begin(), cities.end());
    cities.erase(std::unique(cities.begin(), cities.end()), cities.end());
    require_cities(repo_, cities);
    return cities;
}

std::vector<menu_item> menu_service::list(const auth::principal& who,
                                          std::optional<std::int64_t> city_id) {
    require_known(repo_, who);
    if (city_id && !repo_.city_exists(*city_id))
        throw error(error::kind::not_found, "not-found", "no city " + std::to_string(*city_id));
    // Customers order from what is on sale; staff also see what is hidden.
    return repo_.list_menu(city_id, who.who == auth::role::user);
}

menu_item menu_service::add(const auth::principal& who, menu_item item) {
    require_staff_admin(who);
    item.name = checked_name(item.name);
    item.cities = checked_cities(std::move(item.cities));
    auto added = repo_.add_menu_item(item);
    if (!added)
        throw error(
            error::kind::conflict, "menu-item-exists",
            "a menu item named '" + item.name + "' exists (names differ by more than case)");
    return *added;
}

menu_item menu_service::change(const auth::principal& who, std::int64_t id, menu_patch patch) {
    require_staff_admin(who);
    if (patch.name) patch.name = checked_name(*patch.name);
    if (patch.cities) patch.cities = checked_cities(std::move(*patch.cities));
    auto [result, item] = repo_.update_menu_item(id, patch);
    if (result == menu_write::not_found)
        throw error(error::kind::not_found, "not-found", "no menu item " + std::to_string(id));
    if (result == menu_write::name_taken)
        throw error(error::kind::conflict, "menu-item-exists",
                    "another menu item is named '" + *patch.name + "'");
    return item;
}

int menu_service::import(std::vector<menu_item> items) {
    std::vector<std::string> keys;
    for (auto& item : items) {
        item.name = checked_name(item.name);
        // Two entries for one name would merge silently, the later winning: say so instead.
        auto key = util::text_key(item.name);
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            throw error(error::kind::bad_request, "duplicate-name",
                        "'" + item.name + "' appears twice in one import");
        keys.push_back(std::move(key));
        item.cities = checked_cities(std::move(item.cities));
        if (item.price < 0 || item.price > max_amount)
            throw error(error::kind::bad_request, "bad-price",
                        "'" + item.name + "': prices are 0 to 10,000,000 roubles");
    }
    return repo_.import_menu(items);
}

}  // namespace ordercast::domain
