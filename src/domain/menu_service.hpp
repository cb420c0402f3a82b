#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "auth/principal.hpp"
#include "domain/menu.hpp"
#include "domain/repository.hpp"

namespace ordercast::domain {

// The menu's rules (docs/protocol.md §7): who may see and change what, and what a menu item may
// be. Throws domain::error.
class menu_service {
public:
    explicit menu_service(repository& repo) : repo_(repo) {}

    // The items sold in `city_id` (all without one); customers see the available ones only.
    std::vector<menu_item> list(const auth::principal& who, std::optional<std::int64_t> city_id);
    // Admin and CEO only; the new item is available.
    menu_item add(const auth::principal& who, menu_item item);
    menu_item change(const auth::principal& who, std::int64_t id, menu_patch patch);
    // `ordercast menu import`: every item checked as POST /api/menu checks it, then all
    // added or updated (by name) in one transaction; returns how many were added.
    int import(std::vector<menu_item> items);

private:
    void require_staff_admin(const auth::principal& who);
    // A tidy name of 1 to 200 bytes, or bad-request.
    std::string checked_name(const std::string& name);
    // Known cities, each once, in order; unknown-city otherwise.
    std::vector<std::int64_t> checked_cities(std::vector<std::int64_t> cities);

    repository& repo_;
};

}  // namespace ordercast::domain
